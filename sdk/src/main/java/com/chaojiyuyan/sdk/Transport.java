package com.chaojiyuyan.sdk;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.Map;

/**
 * The HTTP layer under {@link KernelClient} and {@link com.chaojiyuyan.sdk.worker.Worker}: one exchange,
 * bytes in, bytes out. The default sends with one shared {@link HttpClient}; tests may plug in their own
 * (an offline fake, a recorder, a fault injector), which is what the Python SDK's {@code MockTransport} is for.
 *
 * <p>Implementations must be thread-safe. A network failure is thrown as the {@link IOException} it is;
 * the SDK passes it on as {@link java.io.UncheckedIOException} without re-wrapping it in its own types.
 */
@FunctionalInterface
public interface Transport {

    /**
     * One request.
     *
     * @param method  {@code GET}, {@code POST}, ...
     * @param uri     the absolute URI
     * @param headers request headers (single-valued)
     * @param body    the body, or null for none
     * @param timeout how long the whole exchange may take
     */
    record Request(String method, URI uri, Map<String, String> headers, byte[] body, Duration timeout) {
    }

    /**
     * One response.
     *
     * @param status  the HTTP status
     * @param headers response headers (names as the server sent them)
     * @param body    the body, possibly empty, never null
     */
    record Response(int status, Map<String, List<String>> headers, byte[] body) {
        /** The first value of header {@code name} (case-insensitive), or null. */
        public String header(String name) {
            return headers.entrySet().stream().filter(e -> e.getKey().equalsIgnoreCase(name) && !e.getValue().isEmpty())
                    .map(e -> e.getValue().get(0)).findFirst().orElse(null);
        }
    }

    /** Sends {@code request} and answers the response, whatever its status. */
    Response send(Request request) throws IOException, InterruptedException;

    /** A transport over {@code client}; the caller keeps ownership of the client. */
    static Transport over(HttpClient client) {
        return request -> {
            HttpRequest.Builder b = HttpRequest.newBuilder(request.uri()).timeout(request.timeout())
                    .method(request.method(), request.body() == null
                            ? HttpRequest.BodyPublishers.noBody()
                            : HttpRequest.BodyPublishers.ofByteArray(request.body()));
            request.headers().forEach(b::header);
            HttpResponse<byte[]> r = client.send(b.build(), HttpResponse.BodyHandlers.ofByteArray());
            return new Response(r.statusCode(), r.headers().map(), r.body() == null ? new byte[0] : r.body());
        };
    }
}
