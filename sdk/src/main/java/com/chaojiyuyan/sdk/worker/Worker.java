package com.chaojiyuyan.sdk.worker;

import com.chaojiyuyan.sdk.ConnectionBuilder;
import com.chaojiyuyan.sdk.HebingApiError;
import com.chaojiyuyan.sdk.HebingError;
import com.chaojiyuyan.sdk.Job;
import com.chaojiyuyan.sdk.internal.Connection;
import com.chaojiyuyan.sdk.internal.ConnectionSettings;
import com.chaojiyuyan.sdk.internal.KernelHttp;
import java.io.InterruptedIOException;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import tools.jackson.databind.JsonNode;

/**
 * The worker's side of the kernel: serve capabilities, get paid per job.
 *
 * <pre>{@code
 * Worker worker = Worker.fromEnv();
 * worker.handler("test.echo.v1", task -> Map.of("echo", task.input().get("text")));
 * worker.run();
 * }</pre>
 *
 * <p>{@link #run()} registers the handlers, long-polls for queued jobs, bids first-come-first-served,
 * keeps each won lease alive with a background heartbeat, calls the handler on a virtual thread, and
 * submits its result (or reports its exception through {@code /fail}). It returns after {@link #stop()}
 * or {@link #close()}. The single steps are public too ({@link #bid}, {@link #heartbeat}, {@link #submit},
 * {@link #fail}) for workers that want to drive the protocol themselves.
 *
 * <p><b>Concurrency.</b> At most {@code concurrency} jobs run at once. The polling thread holds one
 * permit of a semaphore per job it may still take; it asks the kernel for as many jobs as it holds
 * permits, and each won bid hands one permit to the job's virtual thread, which releases it in a
 * {@code finally} when the job is done (submitted, failed or lost). So a slow handler never makes the
 * worker take more than it can run, and no exit path leaks a slot. Shutdown stops the polling (only the
 * long-poll itself is interrupted, never a bid in flight), waits up to the grace period for running
 * handlers, then fails the jobs still held with {@code retryable: true} so the kernel re-routes them at
 * once rather than after their lease.
 */
public final class Worker implements AutoCloseable {
    private static final System.Logger LOG = System.getLogger(Worker.class.getName());
    private static final Duration POLL_BACKOFF = Duration.ofSeconds(1);
    private static final Duration SLOT_CHECK = Duration.ofMillis(200);

    /** Receives what goes wrong while {@link #run()} runs: per-job errors (with the job) and polling errors (job null). */
    @FunctionalInterface
    public interface ErrorHandler {
        /** Called on the thread where the error happened; must not block for long. */
        void onError(String jobId, Throwable error);
    }

    private final Connection connection;
    private final KernelHttp http;
    private final Map<String, TaskHandler> handlers = new ConcurrentHashMap<>();
    private final int concurrency;
    private final int pollWaitSeconds;
    private final Duration heartbeatInterval;
    private final Duration shutdownGrace;
    private final ErrorHandler errorHandler;

    private final Semaphore slots;
    private final Map<String, TaskExecution> inFlight = new ConcurrentHashMap<>();
    private final Object pollGuard = new Object();
    private volatile boolean stopping;
    private volatile boolean closed;
    private volatile Thread runner;
    private boolean polling; // guarded by pollGuard
    private volatile CountDownLatch terminated = new CountDownLatch(0);

    /** A worker with {@code apiKey}; the base URL from {@code CHAOJIYUYAN_BASE_URL} / {@code HEBING_BASE_URL} or the default. */
    public Worker(String apiKey) {
        this(builder().apiKey(Objects.requireNonNull(apiKey, "apiKey")));
    }

    private Worker(Builder b) {
        this.connection = b.connectionSettings().open();
        this.http = connection.http();
        this.handlers.putAll(b.handlers);
        this.concurrency = b.concurrency;
        this.pollWaitSeconds = b.pollWaitSeconds;
        this.heartbeatInterval = b.heartbeatInterval;
        this.shutdownGrace = b.shutdownGrace;
        this.errorHandler = b.errorHandler;
        this.slots = new Semaphore(concurrency, true);
    }

    /** A worker whose key comes from the environment or the credentials file, like {@code KernelClient.fromEnv()}. */
    public static Worker fromEnv() {
        return builder().build();
    }

    /** A builder for every setting. */
    public static Builder builder() {
        return new Builder();
    }

    /** Serves {@code capabilityKey} with {@code handler} (replacing an earlier one); returns this worker. */
    public Worker handler(String capabilityKey, TaskHandler handler) {
        handlers.put(Objects.requireNonNull(capabilityKey, "capabilityKey"), Objects.requireNonNull(handler, "handler"));
        return this;
    }

    /** The capabilities this worker has handlers for. */
    public List<String> capabilityKeys() {
        return handlers.keySet().stream().sorted().toList();
    }

    // ---- the protocol, one step at a time -------------------------------------------------------

    /**
     * Registers this agent as a worker for every capability with a handler ({@code POST
     * /kernel-agents/me/capabilities}, idempotent); answers all capabilities the agent now serves.
     */
    public List<String> registerHandlers() {
        if (handlers.isEmpty()) {
            throw new IllegalStateException("no handler: add one with worker.handler(capabilityKey, task -> ...)");
        }
        return register(capabilityKeys());
    }

    /**
     * Registers this agent as a worker for {@code capabilityKeys} without handlers here (a worker that drives
     * the protocol itself, step by step); answers all capabilities the agent now serves.
     */
    public List<String> register(List<String> capabilityKeys) {
        JsonNode r = http.post("/kernel-agents/me/capabilities", Map.of("capability_keys", List.copyOf(capabilityKeys))).body();
        List<String> keys = new ArrayList<>();
        r.get("capability_keys").forEach(k -> keys.add(k.asString()));
        return keys;
    }

    /**
     * Queued jobs for this worker's capabilities, waiting up to {@code wait} (at most 60 s) for one to
     * arrive; empty when none did. "No job" is a normal answer, not an error.
     *
     * @throws WorkerNotEnabled when the agent has registered no capability
     */
    public List<AvailableJob> available(Duration wait, int limit) {
        return available(capabilityKeys(), wait, limit);
    }

    /**
     * Like {@link #available(Duration, int)}, for {@code capabilityKeys} instead of this worker's handlers;
     * an empty list asks for every capability the agent has registered.
     */
    public List<AvailableJob> available(List<String> capabilityKeys, Duration wait, int limit) {
        Map<String, Object> query = new LinkedHashMap<>();
        query.put("capability_key", List.copyOf(capabilityKeys));
        query.put("limit", limit);
        query.put("wait_seconds", wait.toSeconds());
        JsonNode r;
        try {
            r = http.get("/kernel-jobs/available", query, wait).body();
        } catch (HebingApiError e) {
            throw WorkerErrors.forPoll(e);
        }
        List<AvailableJob> jobs = new ArrayList<>();
        r.get("jobs").forEach(j -> jobs.add(AvailableJob.fromJson(j)));
        return jobs;
    }

    /**
     * Bids for a job, first come first served.
     *
     * @throws BidRejected              another worker won ({@code already_taken}), or the job is past bidding
     * @throws CapabilityNotRegistered  this agent does not serve the job's capability
     * @throws WorkerNotEnabled         this agent serves no capability at all
     */
    public Lease bid(String jobId) {
        JsonNode r;
        try {
            r = http.post(jobPath(jobId) + "/bid", null).body();
        } catch (HebingApiError e) {
            throw WorkerErrors.forBid(e, jobId);
        }
        if (!r.path("accepted").asBoolean(false)) {
            String reason = r.path("reason").asString("already_taken");
            throw new BidRejected(200, reason, jobId, "bid on " + jobId + " not accepted: " + reason, null);
        }
        return Lease.fromJson(jobId, r);
    }

    /**
     * Extends the lease; answers its new expiry.
     *
     * @throws LeaseExpired    the lease had passed already, or the job was cancelled or expired
     * @throws TaskRunNotFound the job was re-routed to another run
     */
    public Instant heartbeat(Lease lease) {
        try {
            JsonNode r = http.post(jobPath(lease.jobId()) + "/heartbeat", Map.of("task_run_id", lease.taskRunId())).body();
            return Instant.parse(r.get("lease_expires_at").asString());
        } catch (HebingApiError e) {
            throw WorkerErrors.forRun(e, lease.jobId());
        }
    }

    /**
     * Submits the output (any value Jackson can write); answers the job, now {@code succeeded}.
     *
     * @throws SubmitValidationFailed the output does not match the capability's output schema
     * @throws LeaseExpired           the lease had passed, or the job was cancelled or expired
     * @throws TaskRunNotFound        the job was re-routed to another run
     */
    public Job submit(Lease lease, Object output) {
        return submit(lease, output, null);
    }

    /**
     * Submits the output with artifacts: each a map (or any value Jackson writes as an object) with
     * {@code name}, {@code content_type} and either {@code data_base64} (inline bytes) or {@code url}
     * (by reference); null or empty for none. Throws as {@link #submit(Lease, Object)}.
     */
    public Job submit(Lease lease, Object output, List<?> artifacts) {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("task_run_id", lease.taskRunId());
        body.put("output", output);
        if (artifacts != null && !artifacts.isEmpty()) {
            body.put("artifacts", artifacts);
        }
        try {
            return Job.fromJson(http.post(jobPath(lease.jobId()) + "/submit", body).body());
        } catch (HebingApiError e) {
            throw WorkerErrors.forRun(e, lease.jobId());
        }
    }

    /**
     * Gives the job up: ends this run with an error. A retryable failure puts the job back in the queue
     * while attempts remain; otherwise the job fails. Answers the job.
     */
    public Job fail(Lease lease, String code, String message, boolean retryable) {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("task_run_id", lease.taskRunId());
        body.put("error", Map.of("code", clip(code, 100), "message", clip(message == null ? "" : message, 10_000)));
        body.put("retryable", retryable);
        try {
            return Job.fromJson(http.post(jobPath(lease.jobId()) + "/fail", body).body());
        } catch (HebingApiError e) {
            throw WorkerErrors.forRun(e, lease.jobId());
        }
    }

    // ---- the loop --------------------------------------------------------------------------------

    /**
     * Serves jobs until {@link #stop()} or {@link #close()}: register, long-poll, bid, heartbeat, handle,
     * submit, as the class comment says. Errors of single jobs go to the {@link ErrorHandler}; transient
     * polling errors (network, 5xx, 429) are retried after a pause.
     *
     * @throws WorkerNotEnabled or another {@link HebingApiError} when the kernel refuses this worker outright
     */
    public void run() {
        loop(false);
    }

    /**
     * One polling cycle (the Python SDK's {@code run(once=True)}): register, poll once (up to the poll
     * wait), bid for what is offered while slots are free, run those jobs to the end; answers how many
     * jobs this worker took.
     */
    public int runOnce() {
        return loop(true);
    }

    /** Asks {@link #run()} to stop: no more polling; running jobs finish (or are released) as {@link #close()} says. */
    public void stop() {
        stopping = true;
        synchronized (pollGuard) {
            Thread t = runner;
            if (polling && t != null) {
                t.interrupt(); // only a long-poll is ever interrupted, never a bid in flight
            }
        }
    }

    /**
     * Stops the worker gracefully and releases its connection: stops polling, lets running handlers
     * finish for up to the shutdown grace period, then fails the jobs still held ({@code worker_shutdown},
     * retryable) so other workers can take them at once. Returns when the loop has ended.
     */
    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        stop();
        try {
            terminated.await();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        connection.close();
    }

    private int loop(boolean once) {
        synchronized (pollGuard) {
            if (runner != null) {
                throw new IllegalStateException("this worker is already running");
            }
            if (closed) {
                throw new IllegalStateException("this worker is closed");
            }
            runner = Thread.currentThread();
            terminated = new CountDownLatch(1);
        }
        int taken = 0;
        try {
            registerHandlers();
            do {
                taken += cycle(once);
            } while (!once && !stopping);
            if (once) {
                awaitIdle(null);
            }
            return taken;
        } finally {
            drain();
            synchronized (pollGuard) {
                runner = null;
            }
            Thread.interrupted(); // an interrupt meant for the long-poll must not leak to the caller
            terminated.countDown();
        }
    }

    /** One poll and the bids it leads to; answers the number of jobs taken. */
    private int cycle(boolean once) {
        int held;
        try {
            // Wait for a free slot, but notice stop() even while every slot is busy.
            while (!slots.tryAcquire(SLOT_CHECK.toMillis(), TimeUnit.MILLISECONDS)) {
                if (stopping) {
                    return 0;
                }
            }
        } catch (InterruptedException e) {
            return 0;
        }
        held = 1 + slots.drainPermits();
        List<AvailableJob> offered;
        try {
            offered = poll(held, once);
        } catch (RuntimeException e) {
            slots.release(held);
            throw e;
        }
        int bids = stopping ? 0 : Math.min(held, offered.size());
        slots.release(held - bids);
        if (bids == 0) {
            return 0;
        }
        // Bid for every offered job at once, each on its own virtual thread that goes on to run the job it
        // wins: one after the other, the last of N offers would wait for N-1 bids before its handler starts.
        CountDownLatch decided = new CountDownLatch(bids);
        AtomicInteger taken = new AtomicInteger();
        for (AvailableJob job : offered.subList(0, bids)) {
            Thread.ofVirtual().name("worker-job-" + job.jobId()).start(() -> bidAndRun(job, taken, decided));
        }
        // The next poll asks for as many jobs as there are free slots then; runOnce counts what it took.
        boolean interrupted = false;
        while (true) {
            try {
                decided.await(); // bids are never interrupted (stop() interrupts only a long-poll), so this ends
                break;
            } catch (InterruptedException e) {
                interrupted = true;
            }
        }
        if (interrupted) {
            Thread.currentThread().interrupt();
        }
        return taken.get();
    }

    /** Bids for one offered job and, when the bid wins, runs it on this thread (its slot is released when it is done). */
    private void bidAndRun(AvailableJob job, AtomicInteger taken, CountDownLatch decided) {
        TaskExecution execution;
        try {
            Lease lease = bid(job.jobId());
            execution = new TaskExecution(this, lease, job, handlers.get(job.capabilityKey()));
            inFlight.put(lease.taskRunId(), execution);
            taken.incrementAndGet();
        } catch (BidRejected lost) {
            slots.release(); // another worker was first: a normal outcome
            return;
        } catch (RuntimeException e) {
            slots.release();
            report(job.jobId(), e);
            return;
        } finally {
            decided.countDown();
        }
        execution.run();
    }

    private List<AvailableJob> poll(int limit, boolean once) {
        synchronized (pollGuard) {
            if (stopping) {
                return List.of();
            }
            polling = true;
        }
        try {
            return available(Duration.ofSeconds(pollWaitSeconds), limit);
        } catch (UncheckedIOException e) {
            if (stopping && e.getCause() instanceof InterruptedIOException) {
                return List.of();
            }
            if (once) {
                throw e;
            }
            report(null, e);
            pause();
            return List.of();
        } catch (HebingApiError e) {
            if (once || (e.status() < 500 && e.status() != 429)) {
                throw e;
            }
            report(null, e);
            pause();
            return List.of();
        } finally {
            synchronized (pollGuard) {
                polling = false;
            }
            if (stopping) {
                Thread.interrupted();
            }
        }
    }

    private void pause() {
        try {
            Thread.sleep(POLL_BACKOFF);
        } catch (InterruptedException e) {
            // stop() during the pause: the loop sees stopping
        }
    }

    /** Waits until every running job has returned its slot, or until {@code limit} passes; true when idle. */
    private boolean awaitIdle(Duration limit) {
        try {
            boolean idle;
            if (limit == null) {
                slots.acquireUninterruptibly(concurrency);
                idle = true;
            } else {
                idle = slots.tryAcquire(concurrency, limit.toMillis(), TimeUnit.MILLISECONDS);
            }
            if (idle) {
                slots.release(concurrency);
            }
            return idle;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    /** Graceful end: give running handlers the grace period, then release what is still held. */
    private void drain() {
        Thread.interrupted();
        if (inFlight.isEmpty() || awaitIdle(shutdownGrace)) {
            return;
        }
        for (TaskExecution execution : List.copyOf(inFlight.values())) {
            execution.release();
        }
        awaitIdle(Duration.ofSeconds(5));
    }

    // ---- for TaskExecution -----------------------------------------------------------------------

    Duration heartbeatInterval(Lease lease) {
        return heartbeatInterval != null ? heartbeatInterval : Duration.ofSeconds(Math.max(1, lease.heartbeatSeconds()));
    }

    void finished(TaskExecution execution) {
        inFlight.remove(execution.lease().taskRunId());
        slots.release();
    }

    void report(String jobId, Throwable error) {
        try {
            errorHandler.onError(jobId, error);
        } catch (RuntimeException e) {
            LOG.log(System.Logger.Level.WARNING, "worker error handler threw", e);
        }
    }

    private static String jobPath(String jobId) {
        return "/kernel-jobs/" + KernelHttp.segment(Objects.requireNonNull(jobId, "jobId"));
    }

    private static String clip(String s, int max) {
        return s.length() <= max ? s : s.substring(0, max);
    }

    /** Settings for a {@link Worker}. Connection settings resolve as {@code KernelClient.Builder#build()} says. */
    public static final class Builder extends ConnectionBuilder<Builder> {
        private final Map<String, TaskHandler> handlers = new LinkedHashMap<>();
        private int concurrency = 1;
        private int pollWaitSeconds = 25;
        private Duration heartbeatInterval;
        private Duration shutdownGrace = Duration.ofSeconds(30);
        private ErrorHandler errorHandler = (jobId, error) -> LOG.log(System.Logger.Level.WARNING,
                () -> "worker: " + (jobId == null ? "polling" : "job " + jobId) + ": " + error, error);

        private Builder() {
        }

        private ConnectionSettings connectionSettings() {
            return settings();
        }

        /** Serves {@code capabilityKey} with {@code handler}. */
        public Builder handler(String capabilityKey, TaskHandler handler) {
            handlers.put(Objects.requireNonNull(capabilityKey), Objects.requireNonNull(handler));
            return this;
        }

        /** How many jobs may run at once (default 1). */
        public Builder concurrency(int concurrency) {
            if (concurrency < 1) {
                throw new IllegalArgumentException("concurrency must be at least 1");
            }
            this.concurrency = concurrency;
            return this;
        }

        /** How long one long-poll for jobs waits, 0..60 s (default 25). */
        public Builder pollWait(Duration wait) {
            long s = wait.toSeconds();
            if (s < 0 || s > 60) {
                throw new IllegalArgumentException("the poll wait is 0 to 60 seconds");
            }
            this.pollWaitSeconds = (int) s;
            return this;
        }

        /**
         * Heartbeat every {@code interval} instead of the {@code heartbeat_seconds} the kernel sends with each
         * won bid; {@link Duration#ZERO} sends no heartbeat at all (tests of lease expiry).
         */
        public Builder heartbeatInterval(Duration interval) {
            this.heartbeatInterval = interval;
            return this;
        }

        /** How long shutdown waits for running handlers before releasing their jobs (default 30 s). */
        public Builder shutdownGrace(Duration grace) {
            this.shutdownGrace = Objects.requireNonNull(grace);
            return this;
        }

        /** Where errors during {@link Worker#run()} go (default: logged through {@link System.Logger}). */
        public Builder onError(ErrorHandler handler) {
            this.errorHandler = Objects.requireNonNull(handler);
            return this;
        }

        /**
         * The worker.
         *
         * @throws HebingError when no key is set and none is found in the environment or credentials file
         */
        public Worker build() {
            return new Worker(this);
        }
    }
}
