package com.chaojiyuyan.bench;

import com.chaojiyuyan.sdk.KernelClient;
import com.chaojiyuyan.sdk.Transport;
import com.chaojiyuyan.sdk.worker.AvailableJob;
import com.chaojiyuyan.sdk.worker.BidRejected;
import com.chaojiyuyan.sdk.worker.Lease;
import com.chaojiyuyan.sdk.worker.Worker;
import java.net.http.HttpClient;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;

/**
 * Jobs per second through the whole protocol, with N workers and producers that keep the queue fed.
 *
 * <p>The workload: {@link #PRODUCERS} producer threads create {@code test.echo.v1} jobs with the SDK's
 * {@link KernelClient#call}, together keeping at most {@code backlog} = max(2N, 4) jobs created and not
 * yet settled (so the queue is never empty and never grows without bound). The handler echoes its
 * input. Throughput counts submits accepted inside the measurement window. Client and server share
 * this JVM and talk over loopback HTTP/1.1. Two ways to run N workers:
 * <ul>
 *   <li>{@link Mode#LOOP}: one SDK {@link Worker} with {@code concurrency(N)} and its own loop
 *       ({@link Worker#run()}: one long-poll asks for as many jobs as it has free slots, bids on each,
 *       runs each won job on its own thread and submits). Pickup: create → the handler starts.</li>
 *   <li>{@link Mode#THREADS}: N threads sharing one SDK {@code Worker}, each looping over its public steps
 *       {@code available} (limit 1) → {@code bid} → {@code submit}, as N separate single-slot workers
 *       would. They are all offered the oldest queued job, so most bids lose. Pickup: create → bid accepted.</li>
 * </ul>
 */
final class Throughput {
    static final int PRODUCERS = 8;
    private static final String CAPABILITY = "test.echo.v1";
    /** Short enough for a run to end soon after its last job, long enough never to expire while work flows. */
    private static final Duration POLL_WAIT = Duration.ofSeconds(2);

    enum Mode {
        LOOP, THREADS;

        String wire() {
            return name().toLowerCase(java.util.Locale.ROOT);
        }
    }

    /** One measurement. {@code heldBacklog} is the mean of (created − settled) sampled in the window. */
    record Result(String db, Mode mode, int workers, int producers, int backlog, long completed, double seconds,
                  double jobsPerSecond, Latencies pickup, double heldBacklog, long lostBids, long unfinished,
                  double cpuMsPerJob) {
    }

    /** CPU time this JVM (clients and, in process, the server) has used so far, in nanoseconds. */
    static long processCpuNanos() {
        return ((com.sun.management.OperatingSystemMXBean) java.lang.management.ManagementFactory.getOperatingSystemMXBean())
                .getProcessCpuTime();
    }

    private Throughput() {
    }

    static int backlogFor(int workers) {
        return Math.max(2 * workers, 4);
    }

    static Result measure(String db, Mode mode, int workers, Duration warmup, Duration window) throws Exception {
        try (BenchServer server = BenchServer.start(db)) {
            Result r = new Run(server, db, mode, workers).measure(warmup, window);
            server.awaitNoWaiters(POLL_WAIT.multipliedBy(3));
            return r;
        }
    }

    /** The shared state of one measurement. */
    private static final class Run {
        final BenchServer server;
        final String db;
        final Mode mode;
        final int workers;
        final int backlog;
        final Semaphore room;
        final AtomicLong nextSeq = new AtomicLong();
        final ConcurrentHashMap<Long, Long> createdAt = new ConcurrentHashMap<>();
        final ConcurrentHashMap<Long, Long> pickedUpAt = new ConcurrentHashMap<>();
        final LongAdder completedInWindow = new LongAdder();
        final LongAdder lostBids = new LongAdder();
        final AtomicLong outstanding = new AtomicLong();
        final List<Throwable> failures = java.util.Collections.synchronizedList(new ArrayList<>());
        volatile boolean measuring;
        volatile boolean producing = true;
        volatile boolean working = true;

        Run(BenchServer server, String db, Mode mode, int workers) {
            this.server = server;
            this.db = db;
            this.mode = mode;
            this.workers = workers;
            this.backlog = backlogFor(workers);
            this.room = new Semaphore(backlog);
        }

        void pickedUp(String text) {
            pickedUpAt.put(Long.parseLong(text), System.nanoTime());
        }

        void settled() {
            if (measuring) {
                completedInWindow.increment();
            }
            outstanding.decrementAndGet();
            room.release();
        }

        Result measure(Duration warmup, Duration window) throws Exception {
            String callerKey = server.newAgentKey("bench-caller");
            String workerKey = server.newAgentKey("bench-worker");
            HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
            Transport plain = Transport.over(http);
            // The worker's own loop reports no settled jobs; its accepted submits are seen on the wire.
            Transport recording = request -> {
                Transport.Response response = plain.send(request);
                if (request.method().equals("POST") && request.uri().getPath().endsWith("/submit") && response.status() == 200) {
                    settled();
                }
                return response;
            };
            Worker.Builder builder = Worker.builder().apiKey(workerKey).baseUrl(server.apiUrl())
                    .pollWait(POLL_WAIT)
                    .onError((jobId, error) -> {
                        if (working && !(error instanceof BidRejected)) {
                            failures.add(error);
                        }
                    });
            Worker worker;
            if (mode == Mode.LOOP) {
                worker = builder.transport(recording).concurrency(workers).handler(CAPABILITY, task -> {
                    String text = task.input().get("text").asString();
                    pickedUp(text);
                    return Map.of("echo", text);
                }).build();
            } else {
                // The handler only registers the capability: stepLoop does the work through the public steps.
                worker = builder.transport(plain).handler(CAPABILITY, task -> Map.of()).build();
            }
            try (KernelClient caller = KernelClient.builder().apiKey(callerKey).baseUrl(server.apiUrl()).build();
                 worker) {
                worker.registerHandlers();
                List<Thread> threads = new ArrayList<>();
                if (mode == Mode.LOOP) {
                    threads.add(Thread.ofPlatform().name("bench-worker").start(() -> {
                        try {
                            worker.run();
                        } catch (Throwable e) {
                            failures.add(e);
                        }
                    }));
                } else {
                    for (int i = 0; i < workers; i++) {
                        threads.add(Thread.ofPlatform().name("bench-worker-" + i).start(() -> stepLoop(worker)));
                    }
                }
                List<Thread> producers = new ArrayList<>();
                for (int i = 0; i < PRODUCERS; i++) {
                    producers.add(Thread.ofPlatform().name("bench-producer-" + i).start(() -> produce(caller)));
                }
                Thread.sleep(warmup);
                measuring = true;
                long cpuStart = processCpuNanos();
                long start = System.nanoTime();
                long end = start + window.toNanos();
                double backlogSum = 0;
                int samples = 0;
                while (System.nanoTime() < end && failures.isEmpty()) {
                    Thread.sleep(Math.min(20, Math.max(1, (end - System.nanoTime()) / 1_000_000)));
                    backlogSum += outstanding.get();
                    samples++;
                }
                measuring = false;
                double seconds = (System.nanoTime() - start) / 1e9;
                long cpu = processCpuNanos() - cpuStart;
                long completed = completedInWindow.sum();
                producing = false;
                for (Thread p : producers) {
                    p.join();
                }
                // Let the workers finish what was created, so that every measured job has its pickup time.
                long drainDeadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
                while (outstanding.get() > 0 && System.nanoTime() < drainDeadline && failures.isEmpty()) {
                    Thread.sleep(5);
                }
                working = false;
                worker.stop();
                for (Thread w : threads) {
                    w.join();
                }
                if (!failures.isEmpty()) {
                    throw new IllegalStateException("the benchmark's clients failed", failures.getFirst());
                }
                double[] pickups = createdAt.entrySet().stream()
                        .filter(e -> pickedUpAt.containsKey(e.getKey()))
                        .mapToDouble(e -> (pickedUpAt.get(e.getKey()) - e.getValue()) / 1e6).toArray();
                return new Result(db, mode, workers, PRODUCERS, backlog, completed, seconds, completed / seconds,
                        Latencies.of(pickups), samples == 0 ? 0 : backlogSum / samples, lostBids.sum(),
                        createdAt.size() - pickups.length, completed == 0 ? Double.NaN : cpu / 1e6 / completed);
            } finally {
                http.close();
            }
        }

        private void produce(KernelClient caller) {
            try {
                while (producing) {
                    if (!room.tryAcquire(100, TimeUnit.MILLISECONDS)) {
                        continue;
                    }
                    long seq = nextSeq.getAndIncrement();
                    if (measuring) {
                        createdAt.put(seq, System.nanoTime());
                    }
                    outstanding.incrementAndGet();
                    caller.call(CAPABILITY, Map.of("text", Long.toString(seq)));
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            } catch (Throwable e) {
                failures.add(e);
            }
        }

        /** One single-slot worker over the SDK's public steps. */
        private void stepLoop(Worker worker) {
            try {
                while (working) {
                    for (AvailableJob job : worker.available(POLL_WAIT, 1)) {
                        Lease lease;
                        try {
                            lease = worker.bid(job.jobId());
                        } catch (BidRejected lost) {
                            if (measuring) {
                                lostBids.increment();
                            }
                            continue;
                        }
                        String text = job.inputEnvelope().get("input").get("text").asString();
                        pickedUp(text);
                        worker.submit(lease, Map.of("echo", text));
                        settled();
                    }
                }
            } catch (Throwable e) {
                failures.add(e);
            }
        }
    }

    /** {@code bin/bench throughput [--db sqlite|postgres|both] [--workers 1,8,64] [--seconds S] [--warmup S]}. */
    public static void main(String[] args) throws Exception {
        String db = "both";
        Mode mode = Mode.LOOP;
        List<Integer> workerCounts = List.of(1, 8, 64);
        double seconds = 8;
        double warmup = 3;
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "--db" -> db = args[++i];
                case "--mode" -> mode = Mode.valueOf(args[++i].toUpperCase(java.util.Locale.ROOT));
                case "--workers" -> workerCounts = java.util.Arrays.stream(args[++i].split(",")).map(Integer::parseInt).toList();
                case "--seconds" -> seconds = Double.parseDouble(args[++i]);
                case "--warmup" -> warmup = Double.parseDouble(args[++i]);
                default -> throw new IllegalArgumentException("unknown option " + args[i]);
            }
        }
        System.out.println("load average before: " + Machine.loadAverage() + "; mode " + mode.wire());
        System.out.println("| database | workers | jobs/s | pickup p50 | p90 | p99 | max | mean backlog | lost bids/job | JVM CPU/job |");
        System.out.println("|---|---|---|---|---|---|---|---|---|---|");
        for (String d : db.equals("both") ? List.of("sqlite", "postgres") : List.of(db)) {
            for (int n : workerCounts) {
                Result r = measure(d, mode, n, Duration.ofMillis((long) (warmup * 1000)), Duration.ofMillis((long) (seconds * 1000)));
                Latencies p = r.pickup();
                System.out.printf("| %s | %d | %.0f | %.2f ms | %.2f ms | %.2f ms | %.2f ms | %.1f of %d | %.2f | %.2f ms |%n",
                        d, n, r.jobsPerSecond(), p.p50(), p.p90(), p.p99(), p.max(), r.heldBacklog(), r.backlog(),
                        (double) r.lostBids() / Math.max(1, r.completed()), r.cpuMsPerJob());
            }
        }
        System.out.println("load average after: " + Machine.loadAverage());
    }
}
