package com.chaojiyuyan.kernel.fuzz;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.stream.Collectors;

/**
 * One request the fuzzer sends: the operation it aims at, and exactly what goes on the wire. Printed
 * (bodies shortened) when a property fails, with jqwik's seed, to replay it.
 */
record FuzzRequest(Operation operation, String method, String target, String credential, List<String[]> headers, byte[] body) {

    boolean sendsBearer(String token) {
        return headers.stream().anyMatch(h -> h[0].equalsIgnoreCase("Authorization") && h[1].contains(token));
    }

    @Override
    public String toString() {
        String shownBody = body == null ? "(none)" : body.length > 300
                ? new String(body, 0, 300, StandardCharsets.UTF_8) + "... (" + body.length + " bytes)"
                : new String(body, StandardCharsets.UTF_8);
        String shownTarget = target.length() > 300 ? target.substring(0, 300) + "... (" + target.length() + " chars)" : target;
        String shownHeaders = headers.stream().map(h -> h[0] + ": " + (h[1].length() > 80 ? h[1].substring(0, 80) + "..." : h[1]))
                .collect(Collectors.joining(" | "));
        return "[" + operation + "] " + method + " " + shownTarget + " as " + credential + " {" + shownHeaders + "} body " + shownBody;
    }
}
