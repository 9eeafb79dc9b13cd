package com.chaojiyuyan.bench;

import com.chaojiyuyan.sdk.KernelClient;
import com.chaojiyuyan.sdk.worker.AvailableJob;
import com.chaojiyuyan.sdk.worker.BidRejected;
import com.chaojiyuyan.sdk.worker.Lease;
import com.chaojiyuyan.sdk.worker.Worker;
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
 * yet settled (so the queue is never empty and never grows without bound). N worker threads share one
 * SDK {@link Worker} and each loops over its public steps: {@code available} (long-poll, limit 1) →
 * {@code bid} → the trivial handler (echo the input) → {@code submit}, which settles the job. A lost bid
 * (another worker was first) goes back to polling. Throughput counts submits accepted inside the
 * measurement window; pickup latency is from just before a job's create request to its bid accepted
 * (the worker holds the lease). Client and server share this JVM and talk over loopback HTTP/1.1.
 */
final class Throughput {
    static final int PRODUCERS = 8;
    private static final String CAPABILITY = "test.echo.v1";

    /** One measurement. {@code heldBacklog} is the mean of (created − settled) sampled in the window. */
    record Result(String db, int workers, int producers, int backlog, long completed, double seconds,
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

    static Result measure(String db, int workers, Duration warmup, Duration window) throws Exception {
        return measure(db, workers, warmup, window, Map.of());
    }

    static Result measure(String db, int workers, Duration warmup, Duration window, Map<String, String> settings)
            throws Exception {
        try (BenchServer server = BenchServer.start(db, settings)) {
            return measure(server, db, workers, warmup, window);
        }
    }

    static Result measure(BenchServer server, String db, int workers, Duration warmup, Duration window) throws Exception {
        String callerKey = server.newAgentKey("bench-caller");
        String workerKey = server.newAgentKey("bench-worker");
        int backlog = backlogFor(workers);
        Semaphore room = new Semaphore(backlog);
        AtomicLong nextSeq = new AtomicLong();
        ConcurrentHashMap<Long, Long> createdAt = new ConcurrentHashMap<>();
        ConcurrentHashMap<Long, Long> leasedAt = new ConcurrentHashMap<>();
        LongAdder completedInWindow = new LongAdder();
        LongAdder lostBids = new LongAdder();
        AtomicLong outstanding = new AtomicLong();
        var state = new Object() {
            volatile boolean measuring;
            volatile boolean producing = true;
            volatile boolean working = true;
        };
        List<Throwable> failures = java.util.Collections.synchronizedList(new ArrayList<>());

        try (KernelClient caller = KernelClient.builder().apiKey(callerKey).baseUrl(server.apiUrl()).build();
             Worker worker = Worker.builder().apiKey(workerKey).baseUrl(server.apiUrl())
                     .handler(CAPABILITY, task -> Map.of("echo", task.input().get("text").asString())).build()) {
            worker.registerHandlers();
            List<Thread> threads = new ArrayList<>();
            for (int i = 0; i < workers; i++) {
                threads.add(Thread.ofPlatform().name("bench-worker-" + i).start(() -> {
                    try {
                        while (state.working) {
                            // Short enough for the run to end soon after the last job, without cutting polls short.
                            for (AvailableJob job : worker.available(Duration.ofSeconds(2), 1)) {
                                Lease lease;
                                try {
                                    lease = worker.bid(job.jobId());
                                } catch (BidRejected lost) {
                                    if (state.measuring) {
                                        lostBids.increment();
                                    }
                                    continue;
                                }
                                long leased = System.nanoTime();
                                String text = job.inputEnvelope().get("input").get("text").asString();
                                leasedAt.put(Long.parseLong(text), leased);
                                worker.submit(lease, Map.of("echo", text));
                                if (state.measuring) {
                                    completedInWindow.increment();
                                }
                                outstanding.decrementAndGet();
                                room.release();
                            }
                        }
                    } catch (Throwable e) {
                        if (state.working) {
                            failures.add(e);
                        }
                    }
                }));
            }
            List<Thread> producers = new ArrayList<>();
            for (int i = 0; i < PRODUCERS; i++) {
                producers.add(Thread.ofPlatform().name("bench-producer-" + i).start(() -> {
                    try {
                        while (state.producing) {
                            if (!room.tryAcquire(100, TimeUnit.MILLISECONDS)) {
                                continue;
                            }
                            long seq = nextSeq.getAndIncrement();
                            boolean measured = state.measuring;
                            long t0 = System.nanoTime();
                            if (measured) {
                                createdAt.put(seq, t0);
                            }
                            outstanding.incrementAndGet();
                            caller.call(CAPABILITY, Map.of("text", Long.toString(seq)));
                        }
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                    } catch (Throwable e) {
                        failures.add(e);
                    }
                }));
            }
            Thread.sleep(warmup);
            state.measuring = true;
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
            state.measuring = false;
            double seconds = (System.nanoTime() - start) / 1e9;
            long cpu = processCpuNanos() - cpuStart;
            long completed = completedInWindow.sum();
            state.producing = false;
            for (Thread p : producers) {
                p.join();
            }
            // Let the workers finish what was created, so that every measured job has its pickup time.
            long drainDeadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
            while (outstanding.get() > 0 && System.nanoTime() < drainDeadline && failures.isEmpty()) {
                Thread.sleep(5);
            }
            state.working = false;
            for (Thread w : threads) {
                w.join();
            }
            if (!failures.isEmpty()) {
                throw new IllegalStateException("the benchmark's clients failed", failures.getFirst());
            }
            double[] pickups = createdAt.entrySet().stream()
                    .filter(e -> leasedAt.containsKey(e.getKey()))
                    .mapToDouble(e -> (leasedAt.get(e.getKey()) - e.getValue()) / 1e6).toArray();
            long unfinished = createdAt.size() - pickups.length;
            return new Result(db, workers, PRODUCERS, backlog, completed, seconds, completed / seconds,
                    Latencies.of(pickups), samples == 0 ? 0 : backlogSum / samples, lostBids.sum(), unfinished,
                    completed == 0 ? Double.NaN : cpu / 1e6 / completed);
        }
    }

    /** {@code bin/bench throughput [--db sqlite|postgres|both] [--workers 1,8,64] [--seconds S] [--warmup S]}. */
    public static void main(String[] args) throws Exception {
        String db = "both";
        List<Integer> workerCounts = List.of(1, 8, 64);
        double seconds = 8;
        double warmup = 3;
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "--db" -> db = args[++i];
                case "--workers" -> workerCounts = java.util.Arrays.stream(args[++i].split(",")).map(Integer::parseInt).toList();
                case "--seconds" -> seconds = Double.parseDouble(args[++i]);
                case "--warmup" -> warmup = Double.parseDouble(args[++i]);
                default -> throw new IllegalArgumentException("unknown option " + args[i]);
            }
        }
        System.out.println("load average before: " + Machine.loadAverage());
        System.out.println("| database | workers | jobs/s | pickup p50 | p90 | p99 | max | mean backlog | lost bids/job | JVM CPU/job |");
        System.out.println("|---|---|---|---|---|---|---|---|---|---|");
        for (String d : db.equals("both") ? List.of("sqlite", "postgres") : List.of(db)) {
            for (int n : workerCounts) {
                Result r = measure(d, n, Duration.ofMillis((long) (warmup * 1000)), Duration.ofMillis((long) (seconds * 1000)));
                Latencies p = r.pickup();
                System.out.printf("| %s | %d | %.0f | %.2f ms | %.2f ms | %.2f ms | %.2f ms | %.1f of %d | %.2f | %.2f ms |%n",
                        d, n, r.jobsPerSecond(), p.p50(), p.p90(), p.p99(), p.max(), r.heldBacklog(), r.backlog(),
                        (double) r.lostBids() / Math.max(1, r.completed()), r.cpuMsPerJob());
            }
        }
        System.out.println("load average after: " + Machine.loadAverage());
    }
}
