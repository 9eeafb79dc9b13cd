package com.chaojiyuyan.kernel.fuzz;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Collectors;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.Tuple;
import tools.jackson.databind.json.JsonMapper;

/**
 * The fuzzer's generators: for an operation of the OpenAPI document, a request that is usually almost
 * right (real ids, the schema's member names, a valid credential of some kind) and wrong in one or more
 * ways: broken or hostile JSON, members of the wrong type, huge and negative numbers, deep nesting, long
 * and strange strings (unicode, NUL, invalid UTF-8), duplicate members, odd content types and
 * authorization headers, hostile path segments and query strings, the wrong method.
 */
final class FuzzRequests {
    private static final JsonMapper JSON = JsonMapper.builder().build();
    private static final List<String> NUMBERS = List.of("0", "-1", "1", "2", "60", "61", "100", "101", "86400", "2147483648",
            "-2147483649", "9223372036854775807", "9223372036854775808", "-9223372036854775809", "123456789012345678901234567890",
            "1e400", "-1e400", "1E-400", "0.5", "-0", "1.0", "5e2");
    private static final List<String> BROKEN_JSON = List.of("", "{", "}", "[", "{\"a\":", "{\"a\" 1}", "{'a':1}", "{a:1}",
            "{\"a\":1,}", "[1,]", "nul", "tru", "NaN", "Infinity", "01", "\"unterminated", "{\"a\":\"\\x\"}", "{\"a\":\"\\ud800\"}",
            "{\"a\":1}{\"b\":2}", "{\"a\":1} trailing", "\u0000", "\ufeff{}", "/* comment */ {}", "{\"a\":1 // c\n}");
    private static final List<String> CONTENT_TYPES = List.of("text/plain", "application/x-www-form-urlencoded",
            "multipart/form-data; boundary=----x", "application/json; charset=iso-8859-1", "application/json; charset=utf-8",
            "application/problem+json", "application/vnd.api+json", "*/*", "application/json;;;", "garbage", "", "application/JSON",
            "application/xml", "text/json");
    private static final List<String> SEGMENTS = List.of("..", ".", "%2e%2e", "%2F", "a%2Fb", "%00", "%", "%zz", "~", "a;b=c",
            "%E2%80%AE", "%C0%AF", "%FF", "%20", "+", "*", "job_01ARZ3NDEKTSV4RRFFQ69G5FAV", "job_00000000000000000000000000",
            "tr_01ARZ3NDEKTSV4RRFFQ69G5FAV", "JOB_01ARZ3NDEKTSV4RRFFQ69G5FAV", "%24%7Bjndi%3Aldap%3A%2F%2Fx%7D", "%27", "%22",
            "x".repeat(5000), "test.echo.v1%00", "TEST.ECHO.V1", "-1", "0", "null", "undefined");
    private static final List<String> WAIT_VALUES = List.of("-1", "0", "61", "1e3", "abc", "", "99999999999999999999", "0x10",
            "1.5", " ", "%00", "NaN");

    private final List<Operation> operations;
    private final FuzzFixtures f;

    FuzzRequests(List<Operation> operations, FuzzFixtures fixtures) {
        this.operations = operations;
        this.f = fixtures;
    }

    Arbitrary<FuzzRequest> requests() {
        return Arbitraries.of(operations).flatMap(op -> Combinators.combine(method(op), path(op), query(op), credential(op),
                contentType(op), extraHeaders(), body(op)).as((method, path, query, credential, type, extra, body) -> {
                    List<String[]> headers = new ArrayList<>();
                    if (credential[1] != null) {
                        headers.add(new String[] {"Authorization", credential[1]});
                    }
                    if (type != null) {
                        headers.add(new String[] {"Content-Type", type});
                    }
                    headers.addAll(extra);
                    String target = op.prefix() + path + (query.isEmpty() ? "" : "?" + query);
                    return new FuzzRequest(op, method, target, credential[0], headers,
                            body == null ? null : body.getBytes(StandardCharsets.UTF_8));
                }).flatMap(r -> binaryVariant(r)));
    }

    /** Now and then, bytes that are not UTF-8 inside a body string. */
    private Arbitrary<FuzzRequest> binaryVariant(FuzzRequest r) {
        if (r.body() == null || r.body().length < 2) {
            return Arbitraries.just(r);
        }
        return Arbitraries.frequencyOf(Tuple.of(15, Arbitraries.just(r)), Tuple.of(1, Arbitraries.just(withInvalidUtf8(r))));
    }

    private static FuzzRequest withInvalidUtf8(FuzzRequest r) {
        byte[] body = r.body();
        byte[] bad = {(byte) 0xC3, (byte) 0x28, (byte) 0xFF, (byte) 0xFE, (byte) 0xED, (byte) 0xA0, (byte) 0x80};
        int at = body.length / 2;
        byte[] out = new byte[body.length + bad.length];
        System.arraycopy(body, 0, out, 0, at);
        System.arraycopy(bad, 0, out, at, bad.length);
        System.arraycopy(body, at, out, at + bad.length, body.length - at);
        return new FuzzRequest(r.operation(), r.method(), r.target(), r.credential(), r.headers(), out);
    }

    private Arbitrary<String> method(Operation op) {
        return Arbitraries.frequencyOf(Tuple.of(14, Arbitraries.just(op.method())),
                Tuple.of(1, Arbitraries.of("GET", "POST", "PUT", "DELETE", "PATCH", "HEAD", "OPTIONS", "TRACE", "FOO")));
    }

    private Arbitrary<String> path(Operation op) {
        List<String> params = op.pathParams();
        if (params.isEmpty()) {
            return Arbitraries.frequencyOf(Tuple.of(12, Arbitraries.just(op.template())),
                    Tuple.of(1, Arbitraries.just(op.template() + "/")), Tuple.of(1, Arbitraries.of(SEGMENTS).map(s -> op.template() + "/" + s)));
        }
        List<Arbitrary<String>> values = params.stream().map(name -> Arbitraries.frequencyOf(
                Tuple.of(8, Arbitraries.of(f.forPathParam(name)).map(FuzzRequests::encode)),
                Tuple.of(2, Arbitraries.of(SEGMENTS)),
                Tuple.of(1, strings().map(FuzzRequests::encode)))).toList();
        return Combinators.combine(values).as(chosen -> {
            String path = op.template();
            for (int i = 0; i < params.size(); i++) {
                path = path.replace("{" + params.get(i) + "}", chosen.get(i));
            }
            return path;
        });
    }

    private Arbitrary<String> query(Operation op) {
        List<String> names = new ArrayList<>(op.queryParams());
        names.addAll(List.of("limit", "cursor", "status", "capability_key", "x", "include_deprecated", "after"));
        Arbitrary<String> value = Arbitraries.frequencyOf(
                Tuple.of(4, Arbitraries.of(NUMBERS)),
                Tuple.of(3, Arbitraries.of(f.meaningfulStrings())),
                Tuple.of(2, strings()),
                Tuple.of(1, Arbitraries.of("true", "false", "", "queued,running", "%zz", "-", "x".repeat(10_000))));
        Arbitrary<String> pair = Combinators.combine(Arbitraries.of(names), value).as((name, v) ->
                encode(name) + "=" + (name.equals("wait_seconds") ? waitValue(v) : encode(v)));
        Arbitrary<String> wellFormed = pair.list().ofMaxSize(4).map(list -> String.join("&", list));
        return Arbitraries.frequencyOf(Tuple.of(30, wellFormed),
                Tuple.of(1, Arbitraries.of("a=%zz&&=&b", "=", "&&&", "a", "limit=1&limit=2", "cursor=%00", "status=%FF",
                        "wait_seconds=" + encode("\u0000"), "capability_key=" + "x".repeat(3000))));
    }

    /** A long-poll's wait is never a valid positive number: the fuzzer must not sit in long-polls. */
    private static String waitValue(String v) {
        try {
            int n = Integer.parseInt(v.trim());
            if (n > 0 && n <= 60) {
                return "0";
            }
        } catch (NumberFormatException notANumber) {
            // fine as it is: refused, or 0
        }
        return encode(v);
    }

    /** [label, Authorization header value or null]: mostly the kind of credential the operation asks for. */
    private Arbitrary<String[]> credential(Operation op) {
        String[] admin = {"admin", f.admin};
        String[] owner = {"owner", f.owner.token()};
        String[] caller = {"caller agent", f.caller.key()};
        String[] worker = {"worker agent", f.worker.key()};
        Arbitrary<String[]> valid = Arbitraries.of(admin, owner, caller, worker);
        boolean workerSide = op.template().startsWith("/kernel-agents") || op.template().endsWith("/available")
                || op.template().matches(".*/(bid|heartbeat|submit|fail)");
        Arbitrary<String[]> fitting = switch (op.access()) {
            case "admin" -> Arbitraries.just(admin);
            case "owner" -> Arbitraries.of(owner, admin);
            case "agent" -> workerSide ? Arbitraries.just(worker) : Arbitraries.just(caller);
            case "any" -> Arbitraries.of(owner, caller, caller, worker);
            default -> Arbitraries.of(new String[] {"none", null}, owner);
        };
        return Arbitraries.frequencyOf(
                Tuple.of(14, fitting.map(c -> c[1] == null ? c : new String[] {c[0], "Bearer " + c[1]})),
                Tuple.of(3, valid.map(c -> new String[] {c[0], "Bearer " + c[1]})),
                Tuple.of(1, Arbitraries.just(new String[] {"none", null})),
                Tuple.of(2, valid.flatMap(c -> Arbitraries.of(
                        "bearer " + c[1], "Bearer  " + c[1], "Bearer " + c[1] + " ", "Bearer " + c[1] + " extra", "Basic " + c[1],
                        c[1], "Bearer " + c[1].toUpperCase(java.util.Locale.ROOT), "Bearer " + c[1].substring(0, c[1].length() - 1),
                        "Bearer " + c[1] + "a", "Bearer " + c[1].replace('_', '-')).map(v -> new String[] {c[0] + " (mangled)", v}))),
                Tuple.of(1, Arbitraries.of("Bearer", "Bearer ", "Bearer nxt_ag_", "Bearer nxt_os_x", "Basic dXNlcjpwYXNz",
                        "Bearer " + "a".repeat(10_000), "Bearer nxt_ag_" + "A".repeat(49), "Bearer \u00e9t\u00e9", "Negotiate x")
                        .map(v -> new String[] {"garbage", v})));
    }

    private Arbitrary<String> contentType(Operation op) {
        String usual = op.form() ? "application/x-www-form-urlencoded" : "application/json";
        return Arbitraries.frequencyOf(Tuple.of(10, Arbitraries.just(usual)), Tuple.of(1, Arbitraries.just((String) null)),
                Tuple.of(2, Arbitraries.of(CONTENT_TYPES)));
    }

    private Arbitrary<List<String[]>> extraHeaders() {
        Arbitrary<String[]> header = Arbitraries.of(
                new String[] {"Accept", "text/event-stream"}, new String[] {"Accept", "application/xml"},
                new String[] {"Idempotency-Key", "\"quoted-key\""}, new String[] {"Idempotency-Key", "k".repeat(2000)},
                new String[] {"Idempotency-Key", ""}, new String[] {"X-Request-Id", "x"}, new String[] {"Content-Type", "application/json"},
                new String[] {"Authorization", "Bearer x"}, new String[] {"Last-Event-ID", "-1"}, new String[] {"Last-Event-ID", "abc"},
                new String[] {"If-None-Match", "*"}, new String[] {"Accept-Encoding", "gzip"}, new String[] {"X-Huge", "a".repeat(20_000)},
                new String[] {"X-Unicode", "h\u00e9llo \u2603"}, new String[] {"Cookie", "cjy_session=abc"},
                new String[] {"Origin", "http://evil.example"}, new String[] {"X-Forwarded-For", "10.0.0.1"},
                new String[] {"Accept-Charset", "utf-16"});
        return Arbitraries.frequencyOf(Tuple.of(6, Arbitraries.just(List.of())), Tuple.of(2, header.list().ofMinSize(1).ofMaxSize(2)));
    }

    private Arbitrary<String> body(Operation op) {
        if (!op.hasBody()) {
            return Arbitraries.frequencyOf(Tuple.of(10, Arbitraries.just((String) null)), Tuple.of(1, json(2)),
                    Tuple.of(1, Arbitraries.of(BROKEN_JSON)));
        }
        return Arbitraries.frequencyOf(
                Tuple.of(12, op.form() ? form(op) : object(op)),
                Tuple.of(op.form() ? 4 : 1, object(op)),
                Tuple.of(3, json(3)),
                Tuple.of(2, Arbitraries.of(BROKEN_JSON)),
                Tuple.of(1, Arbitraries.of(600, 5_000, 100_000).map(n -> "[".repeat(n) + "]".repeat(n))),
                Tuple.of(1, Arbitraries.of(600, 3_000).map(n -> "{\"a\":".repeat(n) + "1" + "}".repeat(n))),
                Tuple.of(1, Arbitraries.of(2 << 20).map(n -> "\"" + "x".repeat(n) + "\"")),
                Tuple.of(1, Arbitraries.just((String) null)),
                Tuple.of(2, form(op)),
                Tuple.of(2, duplicates(op)));
    }

    /** An object with the schema's member names (some), each with a value that is right, near it, or anything. */
    private Arbitrary<String> object(Operation op) {
        Arbitrary<String> junk = Arbitraries.of("extra", "", "\u0000", "__proto__", "ID", "Capability_Key");
        Arbitrary<String> names = op.bodyMembers().isEmpty() ? junk
                : Arbitraries.frequencyOf(Tuple.of(10, Arbitraries.of(op.bodyMembers())), Tuple.of(1, junk));
        Arbitrary<String> member = names.flatMap(name -> value(name).map(v -> quote(name) + ":" + v));
        int max = Math.max(2, op.bodyMembers().size());
        return member.list().ofMaxSize(max).uniqueElements(m -> m.substring(0, m.indexOf("\":") + 1))
                .map(members -> "{" + String.join(",", members) + "}");
    }

    private Arbitrary<String> duplicates(Operation op) {
        List<String> names = op.bodyMembers().isEmpty() ? List.of("a") : op.bodyMembers();
        return Arbitraries.of(names).flatMap(name -> Combinators.combine(value(name), value(name))
                .as((a, b) -> "{" + quote(name) + ":" + a + "," + quote(name) + ":" + b + "}"));
    }

    private Arbitrary<String> form(Operation op) {
        List<String> names = new ArrayList<>(op.bodyMembers());
        names.addAll(List.of("client_name", "grant_type", "device_code", "client_id", "scope", "email", "password", "csrf",
                "user_code", "code", "action"));
        Arbitrary<String> value = Arbitraries.frequencyOf(Tuple.of(3, Arbitraries.of(f.meaningfulStrings())), Tuple.of(2, strings()),
                Tuple.of(1, Arbitraries.of("", "%zz", "a=b", "\u0000")));
        Arbitrary<String> pair = Combinators.combine(Arbitraries.of(names), value).as((n, v) -> encode(n) + "=" + encode(v));
        return Arbitraries.frequencyOf(Tuple.of(6, pair.list().ofMaxSize(5).map(l -> String.join("&", l))),
                Tuple.of(1, Arbitraries.of("a=%zz&b", "&&", "=", "grant_type", "client_name=" + "n".repeat(100_000))));
    }

    /** A JSON value for a member named {@code name}: usually of the kind the name suggests, sometimes anything. */
    private Arbitrary<String> value(String name) {
        Arbitrary<String> suggested = switch (name) {
            case "capability_key" -> Arbitraries.of(f.capability, "test.echo.v1", "media.echo.v1", "Not.A.Key", "", "a".repeat(300)).map(FuzzRequests::quote);
            case "capability_keys" -> Arbitraries.of(f.capability, "test.echo.v1", "nope.v1", "").list().ofMaxSize(3)
                    .map(l -> l.stream().map(FuzzRequests::quote).collect(Collectors.joining(",", "[", "]")));
            case "input", "input_payload", "output" -> Arbitraries.frequencyOf(
                    Tuple.of(4, strings().map(s -> "{\"text\":" + quote(s) + ",\"echo\":" + quote(s) + "}")),
                    Tuple.of(1, Arbitraries.just("{\"text\":\"nul \\u0000 inside\"}")),
                    Tuple.of(2, json(3)));
            case "task_run_id" -> Arbitraries.of(f.succeededRun, "tr_01ARZ3NDEKTSV4RRFFQ69G5FAV", "", "job_x").map(FuzzRequests::quote);
            case "url", "callback_url" -> Arbitraries.of("https://example.org/hook", "http://127.0.0.1:1/x", "http://169.254.169.254/",
                    "http://[::1]/", "ftp://example.org/", "javascript:alert(1)", "https://", "https://" + "a".repeat(3000) + ".org/",
                    "https://example.org/\u0000", "//example.org", "").map(FuzzRequests::quote);
            case "artifacts" -> artifact().list().ofMaxSize(3).map(l -> "[" + String.join(",", l) + "]");
            case "error" -> Combinators.combine(strings(), strings()).as((c, m) -> "{\"code\":" + quote(c) + ",\"message\":" + quote(m) + "}");
            case "input_schema", "output_schema" -> Arbitraries.of("{\"type\":\"object\"}", "{\"type\":\"strnig\"}",
                    "{\"$ref\":\"#/nowhere\"}", "{\"$ref\":\"http://127.0.0.1:1/schema\"}", "{\"pattern\":\"(\"}", "{\"minLength\":-1}",
                    "{\"type\":\"object\",\"properties\":{\"text\":{\"type\":\"string\"}},\"required\":[\"text\"]}", "true", "false",
                    "{\"$defs\":{\"a\":{\"$ref\":\"#/$defs/a\"}},\"$ref\":\"#/$defs/a\"}", "[]", "\"x\"");
            case "email" -> Arbitraries.of(f.owner.email(), "admin@test.local", "not-an-email", "", "a@" + "b".repeat(300) + ".c")
                    .map(FuzzRequests::quote);
            case "retryable", "is_admin", "include_deprecated" -> Arbitraries.of("true", "false", "\"true\"", "1", "null");
            case "user_code" -> Arbitraries.of(f.userCode, f.userCode.toLowerCase(java.util.Locale.ROOT), "BCDF-GHJK", "", "\u0000")
                    .map(FuzzRequests::quote);
            default -> name.endsWith("_nc") || name.endsWith("_seconds") || name.startsWith("max_") || name.equals("limit")
                    ? Arbitraries.of(NUMBERS) : Arbitraries.frequencyOf(Tuple.of(2, strings().map(FuzzRequests::quote)),
                    Tuple.of(1, Arbitraries.of(f.meaningfulStrings()).map(FuzzRequests::quote)));
        };
        return Arbitraries.frequencyOf(Tuple.of(4, suggested), Tuple.of(1, json(2)));
    }

    private Arbitrary<String> artifact() {
        Arbitrary<String> name = Arbitraries.of("a.txt", "..", "a/b", "", "A.TXT", "x".repeat(300), "\u202Eevil", "con");
        Arbitrary<String> type = Arbitraries.of("text/plain", "text/html", "bad", "", "a/b; c=d");
        Arbitrary<String> data = Arbitraries.of("\"aGVsbG8=\"", "\"not base64!\"", "\"\"", "1", "null", "\"aGVsbG8\"");
        return Combinators.combine(name, type, data, Arbitraries.of(true, false)).as((n, t, d, inline) ->
                "{\"name\":" + quote(n) + ",\"content_type\":" + quote(t) + ","
                        + (inline ? "\"data_base64\":" + d : "\"url\":" + quote("https://example.org/" + n)) + "}");
    }

    /** Any JSON value, nested up to {@code depth}. */
    private Arbitrary<String> json(int depth) {
        Arbitrary<String> scalar = Arbitraries.frequencyOf(
                Tuple.of(2, Arbitraries.of("null", "true", "false")),
                Tuple.of(3, Arbitraries.of(NUMBERS)),
                Tuple.of(1, Arbitraries.longs().map(String::valueOf)),
                Tuple.of(4, strings().map(FuzzRequests::quote)));
        if (depth == 0) {
            return scalar;
        }
        Arbitrary<String> array = Arbitraries.lazy(() -> json(depth - 1)).list().ofMaxSize(3).map(l -> "[" + String.join(",", l) + "]");
        Arbitrary<String> object = Combinators.combine(strings(), Arbitraries.lazy(() -> json(depth - 1)))
                .as((k, v) -> quote(k) + ":" + v).list().ofMaxSize(3).map(l -> "{" + String.join(",", l) + "}");
        return Arbitraries.frequencyOf(Tuple.of(4, scalar), Tuple.of(1, array), Tuple.of(2, object));
    }

    /** Strings of every kind: empty, ASCII, any unicode (control characters, NUL, unpaired surrogates), long. */
    private static Arbitrary<String> strings() {
        return Arbitraries.frequencyOf(
                Tuple.of(4, Arbitraries.strings().alpha().numeric().withChars("._-").ofMaxLength(20)),
                Tuple.of(3, Arbitraries.strings().all().ofMaxLength(12)),
                Tuple.of(1, Arbitraries.of("", " ", "\u0000", "nul\u0000inside", "\u202E", "\uFEFF", "\uD83D\uDE00", "\uD800",
                        "e\u0301", "\r\n", "<script>", "' OR 1=1 --", "%s%n", "${x}")),
                Tuple.of(1, Arbitraries.of(300, 10_000, 300_000).map("y"::repeat)));
    }

    static String quote(String s) {
        return JSON.writeValueAsString(s);
    }

    static String encode(String s) {
        return URLEncoder.encode(s, StandardCharsets.UTF_8).replace("+", "%20");
    }
}
