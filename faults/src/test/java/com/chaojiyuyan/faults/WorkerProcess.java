package com.chaojiyuyan.faults;

import com.chaojiyuyan.sdk.worker.Worker;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * A worker in a JVM of its own, running the SDK's {@link Worker}, so it can be killed like a real one
 * (SIGKILL: no shutdown hook, no graceful release of its leases). Its handler announces each job it
 * holds on standard output ({@code holding <job_id> <task_run_id>}) and then blocks forever: the worker
 * keeps heartbeating in the background until it dies, and never submits.
 */
final class WorkerProcess implements AutoCloseable {
    static final String HOLDING = "holding ";

    /** A job the worker holds: the run a kill leaves behind. */
    record Held(String jobId, String taskRunId) {
    }

    private final Process process;
    private final BlockingQueue<Held> held = new LinkedBlockingQueue<>();
    private final List<String> output = java.util.Collections.synchronizedList(new ArrayList<>());

    private WorkerProcess(Process process) {
        this.process = process;
        Thread.ofVirtual().start(() -> {
            try (BufferedReader in = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
                for (String line; (line = in.readLine()) != null; ) {
                    output.add(line);
                    if (line.startsWith(HOLDING)) {
                        String[] parts = line.substring(HOLDING.length()).trim().split(" ");
                        held.add(new Held(parts[0], parts[1]));
                    }
                }
            } catch (IOException ignored) {
                // the worker died
            }
        });
    }

    /** Starts a blocking worker for {@code capability} with agent key {@code key} against {@code apiUrl}. */
    static WorkerProcess start(String apiUrl, String key, String capability, int concurrency) {
        String java = ProcessHandle.current().info().command().orElseThrow();
        ProcessBuilder builder = new ProcessBuilder(java, "-cp", System.getProperty("java.class.path"),
                "-XX:TieredStopAtLevel=1", WorkerProcess.class.getName())
                .redirectErrorStream(true);
        builder.environment().putAll(Map.of(
                "FAULT_WORKER_API_URL", apiUrl,
                "FAULT_WORKER_KEY", key,
                "FAULT_WORKER_CAPABILITY", capability,
                "FAULT_WORKER_CONCURRENCY", Integer.toString(concurrency)));
        try {
            return new WorkerProcess(builder.start());
        } catch (IOException e) {
            throw new IllegalStateException("cannot start a worker process", e);
        }
    }

    /** Waits until the worker holds {@code n} jobs; answers them. */
    List<Held> awaitHolding(int n, long timeoutSeconds) throws InterruptedException {
        List<Held> jobs = new ArrayList<>();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(timeoutSeconds);
        while (jobs.size() < n) {
            Held next = held.poll(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
            if (next == null) {
                throw new IllegalStateException("the worker process holds " + jobs.size() + " of " + n
                        + " jobs; its output: " + output);
            }
            jobs.add(next);
        }
        return jobs;
    }

    /** kill -9. */
    void kill() throws InterruptedException {
        process.destroyForcibly();
        if (!process.waitFor(30, TimeUnit.SECONDS)) {
            throw new IllegalStateException("the worker process did not die within 30 s of SIGKILL");
        }
    }

    @Override
    public void close() throws InterruptedException {
        if (process.isAlive()) {
            kill();
        }
    }

    /** The child's entry point. */
    public static void main(String[] args) {
        // Never outlive the test: when the parent goes away, its end of our standard input closes.
        Thread.ofPlatform().daemon().start(() -> {
            try {
                while (System.in.read() >= 0) {
                    // nothing is sent; wait for the end
                }
            } catch (IOException ignored) {
                // the parent is gone either way
            }
            System.exit(0);
        });
        String capability = System.getenv("FAULT_WORKER_CAPABILITY");
        CountDownLatch never = new CountDownLatch(1);
        Worker worker = Worker.builder()
                .baseUrl(System.getenv("FAULT_WORKER_API_URL"))
                .apiKey(System.getenv("FAULT_WORKER_KEY"))
                .concurrency(Integer.parseInt(System.getenv("FAULT_WORKER_CONCURRENCY")))
                .pollWait(Duration.ofSeconds(5))
                .handler(capability, task -> {
                    System.out.println(HOLDING + task.jobId() + " " + task.taskRunId());
                    System.out.flush();
                    never.await(); // holds the lease (heartbeats continue) until the process is killed
                    return Map.of("echo", "from a killed worker", "task_run_id", task.taskRunId());
                })
                .build();
        worker.run();
    }
}
