package com.chaojiyuyan.bench;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;
import tools.jackson.databind.JsonNode;

/**
 * How many waiting long-polls one node holds, and what they cost it. A kernel runs in a JVM of its own
 * ({@link ServerProcess}); this JVM opens {@code waiters} concurrent {@code GET /kernel-jobs/available
 * ?wait_seconds=60} requests, each on its own connection, and re-opens each one as soon as it is
 * answered, so the count stays up. Once the server reports them all waiting
 * ({@code chaojiyuyan_waiting_long_polls}), it creates jobs one at a time and times, for each, create →
 * one waiter's answer → that waiter's bid accepted; then reads the server's CPU over a quiet window,
 * and its heap after a full GC and its RSS.
 */
final class IdleCapacity {
    private static final String CAPABILITY = "test.echo.v1";
    private static final int WAIT_SECONDS = 60;

    record Result(String db, int target, long reached, long waitingAtEnd, double rampSeconds, long baselineHeap, long heap,
                  long baselineRss, long rss, int threads, double cpuPercent, double quietSeconds, Latencies answered,
                  Latencies leased, long failures) {
    }

    private IdleCapacity() {
    }

    static Result measure(String db, int waiters, Duration quiet, int jobs) throws Exception {
        HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
                .connectTimeout(Duration.ofSeconds(30)).build();
        try (ServerProcess.Handle server = ServerProcess.start(db, Map.of())) {
            ServerProcess.Handle.Stats baseline = server.stats();
            Pollers pollers = new Pollers(http, server.apiUrl(), server.workerKey());
            long rampStart = System.nanoTime();
            // In batches, so the server's accept queue is not flooded faster than it drains.
            for (int opened = 0; opened < waiters; opened += 500) {
                for (int i = opened; i < Math.min(waiters, opened + 500); i++) {
                    pollers.open();
                }
                waitForWaiting(http, server.apiUrl(), Math.min(waiters, opened + 500) * 9L / 10, Duration.ofSeconds(30));
            }
            long reached = waitForWaiting(http, server.apiUrl(), waiters, Duration.ofSeconds(30));
            double rampSeconds = (System.nanoTime() - rampStart) / 1e9;

            double[] answered = new double[jobs];
            double[] leased = new double[jobs];
            for (int i = 0; i < jobs; i++) {
                CompletableFuture<long[]> got = pollers.expect("p" + i);
                long t0 = System.nanoTime();
                send(http, "POST", server.apiUrl() + "/kernel-jobs", server.callerKey(),
                        Map.of("capability_key", CAPABILITY, "input", Map.of("text", "p" + i)));
                long[] times = got.get(30, TimeUnit.SECONDS);
                answered[i] = (times[0] - t0) / 1e6;
                leased[i] = (times[1] - t0) / 1e6;
            }
            long cpuBefore = server.cpuNanos();
            long quietStart = System.nanoTime();
            Thread.sleep(quiet);
            long cpuAfter = server.cpuNanos();
            double quietSeconds = (System.nanoTime() - quietStart) / 1e9;
            double cpuPercent = 100.0 * (cpuAfter - cpuBefore) / 1e9 / quietSeconds;
            ServerProcess.Handle.Stats after = server.stats();

            long waitingAtEnd = waiting(http, server.apiUrl());
            pollers.closing = true;
            return new Result(db, waiters, reached, waitingAtEnd, rampSeconds, baseline.heapAfterGcBytes(),
                    after.heapAfterGcBytes(), baseline.rssBytes(), after.rssBytes(), after.threads(), cpuPercent,
                    quietSeconds, Latencies.of(answered), Latencies.of(leased), pollers.failures.sum());
        } finally {
            // Not close(): it would wait for the open long-polls to be answered.
            http.shutdownNow();
        }
    }

    /** The waiting long-polls: each answered one is re-opened; one that brings a job bids for it. */
    private static final class Pollers {
        private final HttpClient http;
        private final String apiUrl;
        private final String key;
        private final HttpRequest poll;
        private final Map<String, CompletableFuture<long[]>> expected = new ConcurrentHashMap<>();
        final LongAdder failures = new LongAdder();
        final LongAdder lostBids = new LongAdder();
        final AtomicLong open = new AtomicLong();
        volatile boolean closing;

        Pollers(HttpClient http, String apiUrl, String key) {
            this.http = http;
            this.apiUrl = apiUrl;
            this.key = key;
            this.poll = HttpRequest.newBuilder(URI.create(apiUrl + "/kernel-jobs/available?capability_key=" + CAPABILITY
                            + "&limit=1&wait_seconds=" + WAIT_SECONDS))
                    .timeout(Duration.ofSeconds(WAIT_SECONDS + 30)).header("Authorization", "Bearer " + key).GET().build();
        }

        CompletableFuture<long[]> expect(String text) {
            CompletableFuture<long[]> f = new CompletableFuture<>();
            expected.put(text, f);
            return f;
        }

        void open() {
            open.incrementAndGet();
            http.sendAsync(poll, HttpResponse.BodyHandlers.ofString()).whenComplete((r, e) -> {
                long answeredAt = System.nanoTime();
                open.decrementAndGet();
                if (closing) {
                    return;
                }
                if (e != null || r.statusCode() != 200) {
                    failures.increment();
                    if (failures.sum() <= 3) {
                        System.err.println("idle: a long-poll failed: " + (e != null ? e : r.statusCode() + " " + r.body()));
                    }
                } else {
                    JsonNode jobs = BenchServer.JSON.readTree(r.body()).get("jobs");
                    if (!jobs.isEmpty()) {
                        JsonNode job = jobs.get(0);
                        Thread.startVirtualThread(() -> take(job, answeredAt));
                    }
                }
                open();
            });
        }

        private void take(JsonNode job, long answeredAt) {
            try {
                String id = job.get("job_id").asString();
                HttpResponse<String> r = http.send(request("POST", apiUrl + "/kernel-jobs/" + id + "/bid", key, null),
                        HttpResponse.BodyHandlers.ofString());
                long leasedAt = System.nanoTime();
                // Two polls may be offered one job (a woken waiter, and a poll re-opened just then): one bid wins,
                // the other is told the job is taken (200, accepted false) or already finished (410).
                JsonNode bid = r.statusCode() == 200 ? BenchServer.JSON.readTree(r.body()) : null;
                if (r.statusCode() == 410 || (bid != null && !bid.get("accepted").asBoolean())) {
                    lostBids.increment();
                    return;
                }
                if (bid == null) {
                    throw new IllegalStateException("bid on " + id + " -> " + r.statusCode() + " " + r.body());
                }
                String text = job.get("input_envelope").get("input").get("text").asString();
                send(http, "POST", apiUrl + "/kernel-jobs/" + id + "/submit", key,
                        Map.of("task_run_id", bid.get("task_run_id").asString(), "output", Map.of("echo", text)));
                CompletableFuture<long[]> f = expected.remove(text);
                if (f != null) {
                    f.complete(new long[] {answeredAt, leasedAt});
                }
            } catch (Exception e) {
                if (!closing) {
                    failures.increment();
                    System.err.println("idle: taking a job failed: " + e);
                }
            }
        }
    }

    private static long waitForWaiting(HttpClient http, String apiUrl, long target, Duration limit) throws Exception {
        long deadline = System.nanoTime() + limit.toNanos();
        long now;
        while ((now = waiting(http, apiUrl)) < target && System.nanoTime() < deadline) {
            Thread.sleep(100);
        }
        return now;
    }

    /** The server's own count of waiting long-polls, from its Prometheus metrics. */
    private static long waiting(HttpClient http, String apiUrl) throws Exception {
        String metrics = http.send(HttpRequest.newBuilder(URI.create(apiUrl.replace("/api/v1", "") + "/metrics")).build(),
                HttpResponse.BodyHandlers.ofString()).body();
        return metrics.lines().filter(l -> l.startsWith("chaojiyuyan_waiting_long_polls"))
                .mapToLong(l -> (long) Double.parseDouble(l.substring(l.lastIndexOf(' ') + 1))).findFirst().orElse(-1);
    }

    private static HttpRequest request(String method, String url, String key, Object body) {
        return HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(30))
                .method(method, body == null ? HttpRequest.BodyPublishers.noBody()
                        : HttpRequest.BodyPublishers.ofString(BenchServer.JSON.writeValueAsString(body)))
                .header("Content-Type", "application/json").header("Authorization", "Bearer " + key).build();
    }

    private static JsonNode send(HttpClient http, String method, String url, String key, Object body) throws Exception {
        HttpResponse<String> r = http.send(request(method, url, key, body), HttpResponse.BodyHandlers.ofString());
        if (r.statusCode() >= 300) {
            throw new IllegalStateException(method + " " + url + " -> " + r.statusCode() + " " + r.body());
        }
        return BenchServer.JSON.readTree(r.body());
    }

    /** {@code bin/bench idle [--db sqlite|postgres|both] [--waiters N] [--quiet S] [--jobs N]}. */
    public static void main(String[] args) throws Exception {
        String db = "both";
        int waiters = 10_000;
        double quiet = 10;
        int jobs = 20;
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "--db" -> db = args[++i];
                case "--waiters" -> waiters = Integer.parseInt(args[++i]);
                case "--quiet" -> quiet = Double.parseDouble(args[++i]);
                case "--jobs" -> jobs = Integer.parseInt(args[++i]);
                default -> throw new IllegalArgumentException("unknown option " + args[i]);
            }
        }
        for (String d : db.equals("both") ? List.of("sqlite", "postgres") : List.of(db)) {
            Result r = measure(d, waiters, Duration.ofMillis((long) (quiet * 1000)), jobs);
            System.out.println(r);
        }
    }
}
