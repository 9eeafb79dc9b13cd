package com.chaojiyuyan.kernel.webhooks;

import com.chaojiyuyan.kernel.testing.HttpApi;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import tools.jackson.databind.JsonNode;

/**
 * A real HTTP webhook receiver on loopback: records every request it gets, and answers each with the
 * next queued status (when none is queued, 200 or the status set by {@link #otherwiseAnswer}), optionally with a Location header.
 */
final class Receiver implements AutoCloseable {
    /** One request as received: its path, headers (names lower-cased) and raw body. */
    record Request(String path, Map<String, List<String>> headers, byte[] body) {
        String header(String name) {
            List<String> values = headers.get(name.toLowerCase(Locale.ROOT));
            return values == null ? null : values.get(0);
        }

        String text() {
            return new String(body, StandardCharsets.UTF_8);
        }

        JsonNode json() {
            return HttpApi.JSON.readTree(text());
        }
    }

    private record Answer(int status, String location) {
    }

    private final HttpServer server;
    private final List<Request> requests = new CopyOnWriteArrayList<>();
    private final ConcurrentLinkedQueue<Answer> answers = new ConcurrentLinkedQueue<>();
    private volatile int otherwise = 200;

    private Receiver(HttpServer server) {
        this.server = server;
    }

    static Receiver start() {
        return start(0);
    }

    static Receiver start(int port) {
        try {
            HttpServer server = HttpServer.create(new InetSocketAddress("127.0.0.1", port), 50);
            Receiver receiver = new Receiver(server);
            server.createContext("/", exchange -> {
                byte[] body = exchange.getRequestBody().readAllBytes();
                Map<String, List<String>> headers = new LinkedHashMap<>();
                exchange.getRequestHeaders().forEach((k, v) -> headers.put(k.toLowerCase(Locale.ROOT), new ArrayList<>(v)));
                receiver.requests.add(new Request(exchange.getRequestURI().getPath(), headers, body));
                Answer answer = receiver.answers.poll();
                int status = answer == null ? receiver.otherwise : answer.status();
                if (answer != null && answer.location() != null) {
                    exchange.getResponseHeaders().add("Location", answer.location());
                }
                exchange.sendResponseHeaders(status, -1);
                exchange.close();
            });
            server.start();
            return receiver;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Answers the next request with {@code status}. */
    Receiver thenAnswer(int status) {
        answers.add(new Answer(status, null));
        return this;
    }

    /** Answers every request not given a queued answer with {@code status}. */
    Receiver otherwiseAnswer(int status) {
        otherwise = status;
        return this;
    }

    Receiver thenRedirect(int status, String location) {
        answers.add(new Answer(status, location));
        return this;
    }

    String url(String path) {
        return "http://127.0.0.1:" + port() + path;
    }

    int port() {
        return server.getAddress().getPort();
    }

    List<Request> requests() {
        return List.copyOf(requests);
    }

    List<Request> requestsTo(String path) {
        return requests.stream().filter(r -> r.path().equals(path)).toList();
    }

    @Override
    public void close() {
        server.stop(0);
    }
}
