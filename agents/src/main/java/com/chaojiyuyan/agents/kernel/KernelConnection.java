package com.chaojiyuyan.agents.kernel;

import com.chaojiyuyan.agents.ToolErrors;
import com.chaojiyuyan.sdk.HebingError;
import com.chaojiyuyan.sdk.KernelClient;
import com.chaojiyuyan.sdk.worker.Worker;
import java.nio.file.Path;
import java.util.Map;

/**
 * The kernel agent's way to the kernel: one SDK client (caller half) and one SDK worker (worker half),
 * with the same key and base URL. Opened on first use, so tools can be listed without credentials;
 * {@link #open()} resolves them up front (the MCP server does, to fail before serving).
 */
public final class KernelConnection implements AutoCloseable {
    private final String apiKey;
    private final String baseUrl;
    private final Map<String, String> environment;
    private final Path home;
    private KernelClient client;
    private Worker worker;
    private ClaimedJobs claims;

    private KernelConnection(String apiKey, String baseUrl, Map<String, String> environment, Path home) {
        this.apiKey = apiKey;
        this.baseUrl = baseUrl;
        this.environment = environment;
        this.home = home;
    }

    /**
     * Credentials as the SDK's {@code fromEnv()} finds them: {@code CHAOJIYUYAN_API_KEY}, then
     * {@code HEBING_API_KEY} / {@code NEXUS_API_KEY}, then {@code ~/.chaojiyuyan/credentials}; the base URL
     * from {@code CHAOJIYUYAN_BASE_URL} / {@code HEBING_BASE_URL}, the credentials file, or the default.
     */
    public static KernelConnection fromEnv() {
        return new KernelConnection(null, null, null, null);
    }

    /**
     * As {@link #fromEnv()}, reading {@code environment} instead of the process's and the credentials file
     * under {@code home} instead of the user's home (tests).
     */
    public static KernelConnection fromEnvironment(Map<String, String> environment, Path home) {
        return new KernelConnection(null, null, Map.copyOf(environment), home);
    }

    /** An explicit key and base URL. */
    public static KernelConnection of(String apiKey, String baseUrl) {
        return new KernelConnection(apiKey, baseUrl, null, null);
    }

    /**
     * Checks that a key can be found (environment or credentials file) without opening anything: the SDK
     * resolves it as usual, over a transport that never sends, so no HTTP client (and no TLS context, the
     * slow part of opening) is built. A server calls this before serving and {@link #open()} meanwhile.
     *
     * @throws ToolErrors.NotAuthenticated when no key is found anywhere
     */
    public void requireCredentials() {
        try {
            configure(KernelClient.builder().transport(request -> {
                throw new IllegalStateException("the credentials check sends nothing");
            })).build().close();
        } catch (HebingError noKey) {
            throw new ToolErrors.NotAuthenticated(noKey.getMessage());
        }
    }

    /**
     * Resolves the credentials and opens both halves (idempotent); answers this connection.
     *
     * @throws ToolErrors.NotAuthenticated when no key is found anywhere
     */
    public synchronized KernelConnection open() {
        if (client != null) {
            return this;
        }
        try {
            KernelClient opened = configure(KernelClient.builder()).build();
            Worker.Builder w = Worker.builder();
            if (environment != null) {
                w.environment(environment);
            }
            if (home != null) {
                w.home(home);
            }
            if (apiKey != null) {
                w.apiKey(apiKey);
            }
            if (baseUrl != null) {
                w.baseUrl(baseUrl);
            }
            worker = w.build();
            claims = new ClaimedJobs(worker);
            client = opened;
        } catch (HebingError noKey) {
            // The builders' only refusal: no key in the environment or the credentials file.
            throw new ToolErrors.NotAuthenticated(noKey.getMessage());
        }
        return this;
    }

    private KernelClient.Builder configure(KernelClient.Builder c) {
        if (environment != null) {
            c.environment(environment);
        }
        if (home != null) {
            c.home(home);
        }
        if (apiKey != null) {
            c.apiKey(apiKey);
        }
        if (baseUrl != null) {
            c.baseUrl(baseUrl);
        }
        return c;
    }

    /** The caller half. */
    public KernelClient client() {
        return open().client;
    }

    /** The worker half (used step by step: register, available, bid, heartbeat, submit, fail). */
    public Worker worker() {
        return open().worker;
    }

    /** The jobs claimed through this connection (kernel_claim_job) and their heartbeats. */
    ClaimedJobs claims() {
        return open().claims;
    }

    /**
     * Gives back every claimed job not yet submitted (failed as retryable, so other workers may take it at
     * once) and stops their heartbeats. A long-running server calls this when it stops; a one-shot command
     * does not, so that its claim can be submitted by the next command while the lease lasts.
     */
    public synchronized void releaseClaims(String why) {
        if (claims != null) {
            claims.releaseAll(why);
        }
    }

    /** The API base URL, once open. */
    public String baseUrl() {
        return client().baseUrl();
    }

    @Override
    public synchronized void close() {
        if (client != null) {
            claims.shutdown();
            client.close();
            worker.close();
        }
    }
}
