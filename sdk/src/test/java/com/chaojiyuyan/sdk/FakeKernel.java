package com.chaojiyuyan.sdk;

import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;

/** An offline {@link Transport} for tests: records each request and answers from a queue of canned responses. */
final class FakeKernel implements Transport {
    final List<Request> requests = new CopyOnWriteArrayList<>();
    private final Deque<Response> answers = new ArrayDeque<>();

    FakeKernel answer(int status, String json) {
        answers.add(new Response(status, Map.of("Content-Type", List.of("application/json")), json.getBytes(StandardCharsets.UTF_8)));
        return this;
    }

    @Override
    public synchronized Response send(Request request) {
        requests.add(request);
        Response r = answers.poll();
        if (r == null) {
            throw new AssertionError("no canned answer left for " + request.method() + " " + request.uri());
        }
        return r;
    }

    Request last() {
        return requests.get(requests.size() - 1);
    }

    static String body(Request r) {
        return r.body() == null ? null : new String(r.body(), StandardCharsets.UTF_8);
    }
}
