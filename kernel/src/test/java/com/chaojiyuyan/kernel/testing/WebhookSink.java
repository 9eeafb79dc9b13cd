package com.chaojiyuyan.kernel.testing;

import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import tools.jackson.databind.JsonNode;

/**
 * A real HTTP receiver of webhooks on loopback, always answering 200: remembers, per job, at which paths
 * a {@code job.settled} event for it arrived, and how many deliveries came in all (repeats included,
 * since delivery is at least once). Kernels sending to it need {@code CHAOJIYUYAN_WEBHOOK_ALLOW_PRIVATE=true}.
 */
public final class WebhookSink implements AutoCloseable {
    private final HttpServer server;
    private final Map<String, Set<String>> pathsByJob = new ConcurrentHashMap<>();
    private final AtomicInteger received = new AtomicInteger();

    private WebhookSink(HttpServer server) {
        this.server = server;
    }

    public static WebhookSink start() {
        try {
            HttpServer server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 100);
            WebhookSink sink = new WebhookSink(server);
            server.setExecutor(Executors.newVirtualThreadPerTaskExecutor());
            server.createContext("/", exchange -> {
                try (exchange) {
                    String body = new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8);
                    sink.record(exchange.getRequestURI().getPath(), body);
                    exchange.sendResponseHeaders(200, -1);
                }
            });
            server.start();
            return sink;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private void record(String path, String body) {
        received.incrementAndGet();
        try {
            JsonNode event = HttpApi.JSON.readTree(body);
            String jobId = event.path("job_id").asString(null);
            if (jobId != null) {
                pathsByJob.computeIfAbsent(jobId, k -> ConcurrentHashMap.newKeySet()).add(path);
            }
        } catch (RuntimeException notJson) {
            // counted in received; nothing to attribute
        }
    }

    /** The URL of {@code path} on this receiver, e.g. {@code url("/callback")}. */
    public String url(String path) {
        return "http://127.0.0.1:" + server.getAddress().getPort() + path;
    }

    /** The paths at which a delivery for {@code jobId} arrived (empty when none did). */
    public Set<String> pathsFor(String jobId) {
        return Set.copyOf(pathsByJob.getOrDefault(jobId, Set.of()));
    }

    /** Every delivery received, repeats included. */
    public int received() {
        return received.get();
    }

    @Override
    public void close() {
        server.stop(0);
    }
}
