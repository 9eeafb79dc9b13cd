package com.chaojiyuyan.cli.console;

import java.io.IOException;
import java.io.InterruptedIOException;
import java.io.UncheckedIOException;
import java.net.ConnectException;
import java.net.UnknownHostException;
import java.net.http.HttpConnectTimeoutException;
import java.net.http.HttpTimeoutException;
import javax.net.ssl.SSLException;

/**
 * The server a command talks to, remembered so a network failure can say which one it could not reach:
 * the JDK's exceptions ({@code ConnectException} and friends) do not name the URL.
 */
public final class Endpoint {
    private static volatile String current;

    private Endpoint() {
    }

    /** Records the base URL the command is about to use; answers it. */
    public static String use(String baseUrl) {
        current = baseUrl;
        return baseUrl;
    }

    /** One line for a network failure: what went wrong, and where. */
    public static String describe(UncheckedIOException e) {
        IOException cause = e.getCause();
        String where = current == null ? "the server" : current;
        String what;
        if (cause instanceof ConnectException || cause instanceof HttpConnectTimeoutException) {
            what = "cannot connect to " + where + " (is the server running? start it with 'chaojiyuyan serve')";
        } else if (cause instanceof HttpTimeoutException) {
            what = where + " did not answer in time";
        } else if (cause instanceof UnknownHostException) {
            what = "unknown host in " + where;
        } else if (cause instanceof SSLException) {
            what = "TLS failed with " + where + ": " + cause.getMessage();
        } else if (cause instanceof InterruptedIOException) {
            what = "interrupted while talking to " + where;
        } else {
            what = "network failure talking to " + where + ": " + (cause == null ? e.getMessage() : cause.getClass().getSimpleName()
                    + (cause.getMessage() == null ? "" : " " + cause.getMessage()));
        }
        return what;
    }
}
