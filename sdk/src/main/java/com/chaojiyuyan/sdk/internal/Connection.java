package com.chaojiyuyan.sdk.internal;

import java.net.http.HttpClient;

/** A resolved connection: the HTTP layer, and the JDK client to close with it when the SDK made one. Not public API. */
public record Connection(KernelHttp http, HttpClient ownedClient) implements AutoCloseable {
    @Override
    public void close() {
        if (ownedClient != null) {
            ownedClient.close();
        }
    }
}
