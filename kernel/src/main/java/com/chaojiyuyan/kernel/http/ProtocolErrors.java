package com.chaojiyuyan.kernel.http;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;
import org.eclipse.jetty.http.HttpFields;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.server.handler.ErrorHandler;
import org.eclipse.jetty.util.Callback;

/**
 * Errors Jetty answers itself, before any route runs (an unparseable request line, an ambiguous or
 * NUL-bearing URI, oversized headers), in the same problem+json shape as every other error,
 * instead of Jetty's HTML page.
 */
public final class ProtocolErrors extends ErrorHandler {

    /**
     * Jetty writes an error body only for GET, POST and HEAD by default; a malformed PUT, PATCH or DELETE
     * would get an empty answer without a code. Every method gets the problem body.
     */
    @Override
    public boolean errorPageForMethod(String method) {
        return true;
    }

    @Override
    protected void generateResponse(Request request, Response response, int status, String message, Throwable cause,
                                    Callback callback) {
        response.getHeaders().put(HttpHeader.CONTENT_TYPE, Problems.CONTENT_TYPE);
        response.write(true, ByteBuffer.wrap(body(status, message)), callback);
    }

    @Override
    public ByteBuffer badMessageError(int status, String reason, HttpFields.Mutable fields) {
        fields.put(HttpHeader.CONTENT_TYPE, Problems.CONTENT_TYPE);
        return ByteBuffer.wrap(body(status, reason));
    }

    private static byte[] body(int status, String message) {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("type", "about:blank");
        body.put("title", status >= 500 ? "Internal Server Error" : "Bad Request");
        body.put("status", status);
        body.put("code", Problems.codeFor(status));
        // Jetty's reasons name the protocol fault ("Ambiguous URI path separator"); never internals for a 5xx.
        body.put("detail", status >= 500 || message == null ? "the request could not be processed" : message);
        body.put("request_id", null);
        return Json.write(body).getBytes(StandardCharsets.UTF_8);
    }
}
