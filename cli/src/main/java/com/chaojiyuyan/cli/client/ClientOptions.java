package com.chaojiyuyan.cli.client;

import picocli.CommandLine.Option;

/** {@code --base-url}: the server to talk to, over the environment and the credentials file. */
public final class ClientOptions {
    @Option(names = "--base-url", paramLabel = "URL",
            description = "API base URL, e.g. http://127.0.0.1:8080/api/v1 (default: CHAOJIYUYAN_BASE_URL, HEBING_BASE_URL, "
                    + "the credentials file, http://127.0.0.1:8080/api/v1).")
    public String baseUrl;

    public Profile profile() {
        return Profile.resolve(baseUrl);
    }
}
