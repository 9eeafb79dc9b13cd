package com.chaojiyuyan.sdk;

import com.chaojiyuyan.sdk.internal.ConnectionSettings;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.Objects;

/**
 * How a {@link KernelClient} or a {@link com.chaojiyuyan.sdk.worker.Worker} reaches the kernel: the settings
 * both builders share. What is left unset resolves as {@link KernelClient.Builder#build()} says (the
 * environment, then the credentials file, then the defaults).
 *
 * @param <B> the builder itself, so a chain of calls keeps its own type
 */
public abstract class ConnectionBuilder<B extends ConnectionBuilder<B>> {
    private final ConnectionSettings settings = new ConnectionSettings();

    protected ConnectionBuilder() {
    }

    /** The agent key ({@code nxt_ag_...}); unset: from the environment or the credentials file. */
    public B apiKey(String apiKey) {
        settings.apiKey = apiKey;
        return self();
    }

    /** The API base URL, e.g. {@code http://127.0.0.1:8080/api/v1}. */
    public B baseUrl(String baseUrl) {
        settings.baseUrl = baseUrl;
        return self();
    }

    /** How long one request may take (default 30 s; long-polls get their hold time on top). */
    public B timeout(Duration timeout) {
        settings.timeout = Objects.requireNonNull(timeout);
        return self();
    }

    /** How long connecting may take (default 10 s). */
    public B connectTimeout(Duration connectTimeout) {
        settings.connectTimeout = Objects.requireNonNull(connectTimeout);
        return self();
    }

    /** The User-Agent header (default {@code chaojiyuyan-sdk-java/VERSION}). */
    public B userAgent(String userAgent) {
        settings.userAgent = Objects.requireNonNull(userAgent);
        return self();
    }

    /** Replaces the HTTP layer (tests: an offline fake). The SDK then creates no HttpClient of its own. */
    public B transport(Transport transport) {
        settings.transport = transport;
        return self();
    }

    /** The environment variables to read instead of {@link System#getenv()} (tests). */
    public B environment(Map<String, String> environment) {
        settings.environment = Map.copyOf(environment);
        return self();
    }

    /** The home directory holding {@code .chaojiyuyan/credentials} instead of {@code $HOME} (tests). */
    public B home(Path home) {
        settings.home = home;
        return self();
    }

    /** The settings gathered so far (for the SDK's own builders). */
    protected final ConnectionSettings settings() {
        return settings;
    }

    @SuppressWarnings("unchecked")
    private B self() {
        return (B) this;
    }
}
