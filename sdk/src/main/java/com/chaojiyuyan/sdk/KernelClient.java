package com.chaojiyuyan.sdk;

import com.chaojiyuyan.sdk.internal.Connection;
import com.chaojiyuyan.sdk.internal.ConnectionSettings;
import com.chaojiyuyan.sdk.internal.DeviceFlowLogin;
import com.chaojiyuyan.sdk.internal.Json;
import com.chaojiyuyan.sdk.internal.KernelHttp;
import java.io.InterruptedIOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import tools.jackson.databind.JsonNode;

/**
 * The caller's side of the kernel: call capabilities, follow the jobs they create, browse the catalog.
 * Thread-safe; one instance (one {@link java.net.http.HttpClient}) is meant to be shared. Close it when done.
 *
 * <pre>{@code
 * try (KernelClient client = KernelClient.fromEnv()) {
 *     Job job = client.call("test.echo.v1", Map.of("text", "hi"));
 *     Job done = client.waitFor(job.id(), Duration.ofMinutes(5));
 * }
 * }</pre>
 *
 * <p>Every method throws {@link HebingApiError} when the kernel answers with an error status, and
 * {@link java.io.UncheckedIOException} (around the JDK's {@link java.io.IOException}) when the network fails.
 */
public final class KernelClient implements AutoCloseable {
    /** The API base URL used when none is configured. */
    public static final String DEFAULT_BASE_URL = ConnectionSettings.DEFAULT_BASE_URL;
    private static final Duration DEFAULT_WAIT = Duration.ofSeconds(300);
    private static final int MAX_WAIT_SECONDS = 60;
    private static final int EVENTS_PAGE = 500;
    private static final Duration MIN_HOLD = Duration.ofMillis(500);

    private final Connection connection;
    private final KernelHttp http;

    /**
     * A client with {@code apiKey}; the base URL comes from {@code CHAOJIYUYAN_BASE_URL} /
     * {@code HEBING_BASE_URL}, else {@link #DEFAULT_BASE_URL}.
     */
    public KernelClient(String apiKey) {
        this(builder().apiKey(Objects.requireNonNull(apiKey, "apiKey")).settings().open());
    }

    private KernelClient(Connection connection) {
        this.connection = connection;
        this.http = connection.http();
    }

    /**
     * A client from the environment: the key from {@code CHAOJIYUYAN_API_KEY}, then {@code HEBING_API_KEY},
     * then {@code NEXUS_API_KEY}, then {@code ~/.chaojiyuyan/credentials}; see {@link Builder#build()}.
     *
     * @throws HebingError when no key is found anywhere
     */
    public static KernelClient fromEnv() {
        return builder().build();
    }

    /**
     * Logs in with the device flow (prints a URL and a code, waits for approval in a browser), saves the key
     * to {@code ~/.chaojiyuyan/credentials} and answers a ready client. See {@link Builder#loginDeviceFlow(String)}.
     */
    public static KernelClient loginDeviceFlow(String clientName) {
        return builder().loginDeviceFlow(clientName);
    }

    /** A builder for every setting. */
    public static Builder builder() {
        return new Builder();
    }

    /** The API base URL this client talks to. */
    public String baseUrl() {
        return http.baseUrl();
    }

    /** Calls a capability: creates a kernel job with {@code input} (any value Jackson can write). */
    public Job call(String capabilityKey, Object input) {
        return call(capabilityKey, input, CallOptions.none());
    }

    /**
     * Calls a capability with options. A new job comes back from HTTP 201; a replay of the same idempotency
     * key with the same body comes back from HTTP 200 with the original job; both return the job.
     *
     * @throws HebingApiError e.g. 400 {@code unknown_capability}, 422 {@code validation_failed},
     *                        402 {@code insufficient_balance}, 422 {@code idempotency_key_reused}
     */
    public Job call(String capabilityKey, Object input, CallOptions options) {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("capability_key", Objects.requireNonNull(capabilityKey, "capabilityKey"));
        body.put("input", input);
        if (options.idempotencyKey() != null) {
            body.put("idempotency_key", options.idempotencyKey());
        }
        if (options.maxBudgetNc() != null) {
            body.put("max_budget_nc", options.maxBudgetNc());
        }
        if (options.callbackUrl() != null) {
            body.put("callback_url", options.callbackUrl());
        }
        return Job.fromJson(http.post("/kernel-jobs", body).body());
    }

    /** The job now. 404 {@code not_found} when it does not exist or is not this caller's. */
    public Job getJob(String jobId) {
        return Job.fromJson(http.get(jobPath(jobId), Map.of(), Duration.ZERO).body());
    }

    /** {@link #waitFor(String, Duration)} with the Python SDK's default of 300 seconds. */
    public Job waitFor(String jobId) {
        return waitFor(jobId, DEFAULT_WAIT);
    }

    /**
     * Waits until the job is terminal (succeeded, failed, cancelled or expired) and answers it. The server
     * holds each request until the job's status changes ({@code wait_seconds}, up to 60 s a request), so
     * this does not poll in a loop. A terminal job may be a failure: check {@link Job#status()}.
     *
     * @throws JobTimeout when {@code timeout} passes first
     */
    public Job waitFor(String jobId, Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        Job job = getJob(jobId);
        while (!job.isTerminal()) {
            long remaining = deadline - System.nanoTime();
            if (remaining <= 0) {
                throw new JobTimeout(job, "job " + jobId + " is still " + job.status().wire() + " after " + timeout);
            }
            long seconds = Math.max(1, Math.min(MAX_WAIT_SECONDS, Duration.ofNanos(remaining).toSeconds()));
            Duration hold = Duration.ofSeconds(seconds);
            long asked = System.nanoTime();
            JobStatus before = job.status();
            job = Job.fromJson(http.get(jobPath(jobId), Map.of("wait_seconds", seconds), hold).body());
            if (job.status() == before && System.nanoTime() - asked < MIN_HOLD.toNanos()) {
                pause(); // the server did not hold the request (a worker's view of a job): do not spin
            }
        }
        return job;
    }

    /** The first page of this caller's jobs, newest first. */
    public JobPage listJobs() {
        return listJobs(JobQuery.all());
    }

    /** One page of this caller's jobs, newest first; follow {@link JobPage#nextCursor()} for more. */
    public JobPage listJobs(JobQuery query) {
        Map<String, Object> params = new LinkedHashMap<>();
        params.put("status", query.status() == null ? null : query.status().wire());
        params.put("capability_key", query.capabilityKey());
        params.put("limit", query.limit());
        params.put("cursor", query.cursor());
        JsonNode page = http.get("/kernel-jobs", params, Duration.ZERO).body();
        List<Job> items = new ArrayList<>();
        page.get("items").forEach(n -> items.add(Job.fromJson(n)));
        return new JobPage(List.copyOf(items), Json.text(page, "next_cursor"));
    }

    /** The job's events so far, in order (all of them: pages are followed). */
    public List<JobEvent> events(String jobId) {
        List<JobEvent> events = new ArrayList<>();
        long after = 0;
        while (true) {
            JsonNode page = http.get(jobPath(jobId) + "/events", Map.of("after", after, "limit", EVENTS_PAGE), Duration.ZERO).body();
            int before = events.size();
            page.get("items").forEach(n -> events.add(JobEvent.fromJson(n)));
            if (events.size() - before < EVENTS_PAGE) {
                return List.copyOf(events);
            }
            after = events.get(events.size() - 1).seq();
        }
    }

    /** Cancels a queued or running job; answers it, now {@code cancelled}. 410 {@code job_terminal} if already over. */
    public Job cancel(String jobId) {
        return Job.fromJson(http.post(jobPath(jobId) + "/cancel", null).body());
    }

    /** The capability catalog (all pages). */
    public List<CapabilitySpec> capabilities() {
        List<CapabilitySpec> specs = new ArrayList<>();
        String cursor = null;
        do {
            Map<String, Object> params = new LinkedHashMap<>();
            params.put("cursor", cursor);
            JsonNode page = http.get("/capability-specs", params, Duration.ZERO).body();
            page.get("items").forEach(n -> specs.add(CapabilitySpec.fromJson(n)));
            cursor = Json.text(page, "next_cursor");
        } while (cursor != null);
        return List.copyOf(specs);
    }

    /** Releases the HTTP client (when the SDK created it). */
    @Override
    public void close() {
        connection.close();
    }

    private static void pause() {
        try {
            Thread.sleep(MIN_HOLD);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new UncheckedIOException(new InterruptedIOException("interrupted while waiting for a job"));
        }
    }

    private static String jobPath(String jobId) {
        return "/kernel-jobs/" + KernelHttp.segment(Objects.requireNonNull(jobId, "jobId"));
    }

    /**
     * Settings for a {@link KernelClient}. Everything is optional: {@link #build()} resolves what is not set
     * from the environment and the credentials file.
     */
    public static final class Builder extends ConnectionBuilder<Builder> {
        private PrintStream output = System.out;
        private Duration deviceFlowTimeout;

        private Builder() {
        }

        /** Where {@link #loginDeviceFlow(String)} prints its instructions (default {@link System#out}). */
        public Builder output(PrintStream output) {
            this.output = Objects.requireNonNull(output);
            return this;
        }

        /** How long {@link #loginDeviceFlow(String)} waits for approval (default: the code's lifetime). */
        public Builder deviceFlowTimeout(Duration timeout) {
            this.deviceFlowTimeout = timeout;
            return this;
        }

        /**
         * A client. The key: {@link #apiKey(String)}, else {@code CHAOJIYUYAN_API_KEY}, else
         * {@code HEBING_API_KEY}, else {@code NEXUS_API_KEY}, else the credentials file. The base URL:
         * {@link #baseUrl(String)}, else {@code CHAOJIYUYAN_BASE_URL}, else {@code HEBING_BASE_URL}, else the
         * credentials file's {@code base_url} (when the key came from it), else {@link #DEFAULT_BASE_URL}.
         *
         * @throws HebingError when no key is found anywhere
         */
        public KernelClient build() {
            return new KernelClient(settings().open());
        }

        /**
         * Logs in with the device flow (RFC 8628): asks the kernel for a code, prints
         * <pre>
         * Connect to chaojiyuyan
         * ----------------------------------------
         * 1) Open: http://HOST/activate?code=WDJB-MJHT
         * 2) Enter code: WDJB-MJHT
         *
         * Waiting for approval in your browser...
         * </pre>
         * polls at the server's interval until the code is approved, saves {@code {"api_key","base_url"}} to
         * the credentials file (mode 0600) and answers a client with the new key.
         *
         * @throws DeviceFlowError   when the login was denied or the code expired (410)
         * @throws DeviceFlowTimeout when approval did not arrive in time
         */
        public KernelClient loginDeviceFlow(String clientName) {
            String url = settings().baseUrlWithoutFile();
            DeviceFlowLogin.Approved approved;
            try (Connection anonymous = settings().open(null, url)) {
                approved = new DeviceFlowLogin(anonymous.http(), output, d -> Thread.sleep(d))
                        .login(Objects.requireNonNull(clientName, "clientName"), deviceFlowTimeout);
            }
            new Credentials(approved.accessToken(), url).save(settings().credentialsFile());
            return new KernelClient(settings().open(approved.accessToken(), url));
        }
    }
}
