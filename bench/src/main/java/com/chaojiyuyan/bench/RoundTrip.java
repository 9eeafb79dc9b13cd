package com.chaojiyuyan.bench;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;
import tools.jackson.databind.JsonNode;

/**
 * One job at a time through the whole protocol, with a worker already long-polling: the latency a
 * single caller sees, free of queueing. For each job: create → the worker's bid accepted (it holds the
 * lease) → its submit accepted. Client and server share this JVM and talk over loopback HTTP.
 */
final class RoundTrip {
    private static final List<String> breakdown = new ArrayList<>();

    private RoundTrip() {
    }

    private static double median(double[] ms) {
        double[] sorted = ms.clone();
        Arrays.sort(sorted);
        return sorted[sorted.length / 2];
    }

    public static void main(String[] args) throws Exception {
        String db = "both";
        int jobs = 1000;
        int warmup = 200;
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "--db" -> db = args[++i];
                case "--jobs" -> jobs = Integer.parseInt(args[++i]);
                case "--warmup" -> warmup = Integer.parseInt(args[++i]);
                default -> throw new IllegalArgumentException("unknown option " + args[i]);
            }
        }
        List<String> dbs = db.equals("both") ? List.of("sqlite", "postgres") : List.of(db);
        System.out.printf("machine: %d cores, %d MiB max heap, Java %s%n", Runtime.getRuntime().availableProcessors(),
                Runtime.getRuntime().maxMemory() >> 20, System.getProperty("java.version"));
        System.out.println("| database | jobs | create→lease p50 | p90 | p99 | max | create→submitted p50 | p90 | p99 | max |");
        System.out.println("|---|---|---|---|---|---|---|---|---|---|");
        for (String d : dbs) {
            run(d, jobs, warmup);
        }
        System.out.println();
        System.out.println("Where create→lease goes (medians): the create call, from its answer to the worker's long-poll answer, the bid call.");
        System.out.println("| database | create call | create answered → poll answered | bid call |");
        System.out.println("|---|---|---|---|");
        breakdown.forEach(System.out::println);
    }

    private static void run(String db, int jobs, int warmup) throws Exception {
        try (BenchServer server = BenchServer.start(db)) {
            String caller = server.newAgentKey("bench-caller");
            String worker = server.newAgentKey("bench-worker");
            server.post("/kernel-agents/me/capabilities", worker, Map.of("capability_keys", List.of("test.echo.v1")));
            BlockingQueue<long[]> done = new ArrayBlockingQueue<>(16);
            double[] createCall = new double[jobs];
            double[] wake = new double[jobs];
            double[] bidCall = new double[jobs];
            Thread workerThread = Thread.ofPlatform().name("bench-worker").start(() -> workLoop(server, worker, done));
            double[] toLease = new double[jobs];
            double[] toSubmitted = new double[jobs];
            for (int i = 0; i < warmup + jobs; i++) {
                long created = System.nanoTime();
                server.post("/kernel-jobs", caller, Map.of("capability_key", "test.echo.v1", "input", Map.of("text", "t" + i)));
                long createReturned = System.nanoTime();
                long[] times = done.poll(60, TimeUnit.SECONDS);
                if (times == null) {
                    throw new IllegalStateException("the worker did not finish job " + i + " within 60 s");
                }
                if (i >= warmup) {
                    toLease[i - warmup] = (times[0] - created) / 1e6;
                    toSubmitted[i - warmup] = (times[1] - created) / 1e6;
                    createCall[i - warmup] = (createReturned - created) / 1e6;
                    wake[i - warmup] = (times[2] - createReturned) / 1e6;
                    bidCall[i - warmup] = (times[0] - times[2]) / 1e6;
                }
            }
            workerThread.interrupt();
            System.out.printf("| %s | %d | %s | %s |%n", db, jobs, row(toLease), row(toSubmitted));
            breakdown.add(String.format("| %s | %.2f ms | %.2f ms | %.2f ms |", db, median(createCall), median(wake), median(bidCall)));
        }
    }

    /** Long-poll, bid, submit, forever; reports (lease held, submit accepted) nano times per job. */
    private static void workLoop(BenchServer server, String key, BlockingQueue<long[]> done) {
        try {
            while (!Thread.currentThread().isInterrupted()) {
                JsonNode available = server.get("/kernel-jobs/available?capability_key=test.echo.v1&limit=1&wait_seconds=30", key);
                for (JsonNode job : available.get("jobs")) {
                    String id = job.get("job_id").asString();
                    long polled = System.nanoTime();
                    JsonNode bid = server.post("/kernel-jobs/" + id + "/bid", key, null);
                    long leased = System.nanoTime();
                    if (!bid.get("accepted").asBoolean()) {
                        continue;
                    }
                    String text = job.get("input_envelope").get("input").get("text").asString();
                    server.post("/kernel-jobs/" + id + "/submit", key,
                            Map.of("task_run_id", bid.get("task_run_id").asString(), "output", Map.of("echo", text)));
                    done.put(new long[] {leased, System.nanoTime(), polled});
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (Exception e) {
            if (!Thread.currentThread().isInterrupted()) {
                e.printStackTrace();
            }
        }
    }

    private static String row(double[] ms) {
        double[] sorted = ms.clone();
        Arrays.sort(sorted);
        List<String> cells = new ArrayList<>();
        for (double q : new double[] {0.50, 0.90, 0.99}) {
            cells.add(String.format("%.2f ms", sorted[(int) Math.min(sorted.length - 1, Math.floor(q * sorted.length))]));
        }
        cells.add(String.format("%.2f ms", sorted[sorted.length - 1]));
        return String.join(" | ", cells);
    }
}
