package com.chaojiyuyan.kernel.fuzz;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * HTTP/1.1 over a plain socket, byte for byte as the fuzzer wrote it: any method, an unencoded target,
 * duplicate or non-ASCII headers, bodies that are not UTF-8. (A regular client refuses to send most of
 * that.) One request per connection. An event stream's body is not read: its headers say enough.
 */
final class RawHttp {
    private static final int TIMEOUT_MS = 20_000;

    /** An answer: status, headers (names lower-cased) and body. */
    record Answer(int status, List<String[]> headers, byte[] body) {
        String header(String name) {
            return headers.stream().filter(h -> h[0].equals(name.toLowerCase(Locale.ROOT))).map(h -> h[1]).findFirst().orElse(null);
        }

        String text() {
            return new String(body, StandardCharsets.UTF_8);
        }
    }

    private RawHttp() {
    }

    static Answer exchange(int port, String method, String target, List<String[]> headers, byte[] body) throws IOException {
        ByteArrayOutputStream request = new ByteArrayOutputStream();
        write(request, method + " " + target + " HTTP/1.1\r\nHost: 127.0.0.1:" + port + "\r\nConnection: close\r\n");
        for (String[] h : headers) {
            write(request, h[0] + ": " + h[1] + "\r\n");
        }
        if (body != null) {
            write(request, "Content-Length: " + body.length + "\r\n");
        }
        write(request, "\r\n");
        if (body != null) {
            request.write(body);
        }
        try (Socket socket = new Socket()) {
            socket.connect(new InetSocketAddress("127.0.0.1", port), TIMEOUT_MS);
            socket.setSoTimeout(TIMEOUT_MS);
            OutputStream out = socket.getOutputStream();
            try {
                out.write(request.toByteArray());
                out.flush();
            } catch (IOException refusedMidBody) {
                // The server may answer (413, 400) and close before reading everything; read what it said.
            }
            return read(socket.getInputStream(), method.equals("HEAD"));
        }
    }

    private static void write(ByteArrayOutputStream out, String s) {
        byte[] bytes = s.getBytes(StandardCharsets.UTF_8);
        out.write(bytes, 0, bytes.length);
    }

    private static Answer read(InputStream in, boolean head) throws IOException {
        ByteArrayOutputStream headBytes = new ByteArrayOutputStream();
        int lastFour = 0;
        while (lastFour != 0x0D0A0D0A) { // the blank line ending the headers
            int b = in.read();
            if (b < 0) {
                throw new IOException("connection closed before the end of the response headers: "
                        + headBytes.toString(StandardCharsets.ISO_8859_1));
            }
            headBytes.write(b);
            lastFour = (lastFour << 8) | b;
        }
        String[] lines = headBytes.toString(StandardCharsets.ISO_8859_1).split("\r\n");
        int status = Integer.parseInt(lines[0].split(" ")[1]);
        List<String[]> headers = new ArrayList<>();
        for (int i = 1; i < lines.length; i++) {
            int colon = lines[i].indexOf(':');
            if (colon > 0) {
                headers.add(new String[] {lines[i].substring(0, colon).trim().toLowerCase(Locale.ROOT), lines[i].substring(colon + 1).trim()});
            }
        }
        Answer bare = new Answer(status, headers, new byte[0]);
        String type = bare.header("content-type");
        if (head || status == 204 || status == 304 || (type != null && type.startsWith("text/event-stream"))) {
            return bare;
        }
        byte[] body;
        String length = bare.header("content-length");
        if (length != null) {
            body = in.readNBytes(Integer.parseInt(length));
        } else if ("chunked".equalsIgnoreCase(bare.header("transfer-encoding"))) {
            body = chunked(in);
        } else {
            body = in.readAllBytes();
        }
        return new Answer(status, headers, body);
    }

    private static byte[] chunked(InputStream in) throws IOException {
        ByteArrayOutputStream body = new ByteArrayOutputStream();
        while (true) {
            String sizeLine = line(in);
            int size = Integer.parseInt(sizeLine.split(";")[0].trim(), 16);
            if (size == 0) {
                return body.toByteArray();
            }
            body.write(in.readNBytes(size));
            line(in);
        }
    }

    private static String line(InputStream in) throws IOException {
        StringBuilder s = new StringBuilder();
        for (int b; (b = in.read()) >= 0 && b != '\n'; ) {
            if (b != '\r') {
                s.append((char) b);
            }
        }
        return s.toString();
    }
}
