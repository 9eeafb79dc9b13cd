package com.chaojiyuyan.kernel.fuzz;

import static org.assertj.core.api.Assertions.assertThat;

import com.chaojiyuyan.kernel.testing.Db;
import com.chaojiyuyan.kernel.testing.HttpApi;
import com.chaojiyuyan.kernel.testing.JobInvariants;
import com.chaojiyuyan.kernel.testing.TestClock;
import com.chaojiyuyan.kernel.testing.TestDatabases;
import com.chaojiyuyan.kernel.testing.TestKernel;
import java.io.IOException;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.EdgeCasesMode;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.ShrinkingMode;
import net.jqwik.api.lifecycle.AfterContainer;
import net.jqwik.api.lifecycle.AfterProperty;
import tools.jackson.databind.JsonNode;

/**
 * Fuzzes every operation of the served OpenAPI document on a real server over HTTP, on SQLite and on
 * PostgreSQL: malformed and hostile bodies, headers, ids, path segments and query strings, with and
 * without valid credentials of each kind (see {@link FuzzRequests}). Every answer must be below 500, every
 * error a problem+json with a stable {@code code} (OAuth endpoints: an RFC 6749 error), no request may
 * hang, and afterwards nothing in the database may be half-written ({@link JobInvariants#halfWritten}).
 *
 * <p>jqwik picks a seed per run and prints it with the failing request; to replay one, put it in the
 * property's {@code seed} attribute. Tries are bounded so both properties fit in well under a minute.
 */
class EndpointFuzzTest {
    private static final Map<Db, TestKernel> KERNELS = new EnumMap<>(Db.class);
    private static final Map<Db, FuzzFixtures> FIXTURES = new EnumMap<>(Db.class);
    private static final Map<Db, List<Operation>> OPERATIONS = new EnumMap<>(Db.class);
    private static final Map<Db, Set<String>> EXERCISED = new EnumMap<>(Db.class);
    private static final Map<String, AtomicInteger> STATUSES = new ConcurrentHashMap<>();
    /** Set when a try failed: the property stopped early, so coverage says nothing then. */
    private static volatile boolean failed;
    /** The database of the property that ran last, for the checks after it. */
    private static volatile Db current;

    @Property(tries = 1500, shrinking = ShrinkingMode.BOUNDED, edgeCases = EdgeCasesMode.NONE)
    void sqliteAnswersEveryRequestWithoutServerErrors(@ForAll("sqliteRequests") FuzzRequest request) throws IOException {
        check(Db.SQLITE, request);
    }

    @Property(tries = 800, shrinking = ShrinkingMode.BOUNDED, edgeCases = EdgeCasesMode.NONE)
    void postgresAnswersEveryRequestWithoutServerErrors(@ForAll("postgresRequests") FuzzRequest request) throws IOException {
        check(Db.POSTGRES, request);
    }

    @Provide
    Arbitrary<FuzzRequest> sqliteRequests() {
        return requestsOn(Db.SQLITE);
    }

    @Provide
    Arbitrary<FuzzRequest> postgresRequests() {
        return requestsOn(Db.POSTGRES);
    }

    private static synchronized Arbitrary<FuzzRequest> requestsOn(Db db) {
        if (!KERNELS.containsKey(db)) {
            TestKernel kernel = TestKernel.startOn(TestDatabases.fresh(db), new TestClock(),
                    Map.of("CHAOJIYUYAN_DEVICE_POLL_INTERVAL_SECONDS", "1"));
            KERNELS.put(db, kernel);
            HttpApi.Response doc = kernel.api().get("/openapi.json", null);
            assertThat(doc.status()).isEqualTo(200);
            OPERATIONS.put(db, Operation.all(doc.json()));
            FIXTURES.put(db, new FuzzFixtures(kernel));
            EXERCISED.put(db, ConcurrentHashMap.newKeySet());
        }
        return new FuzzRequests(OPERATIONS.get(db), FIXTURES.get(db)).requests();
    }

    private static void check(Db db, FuzzRequest request) throws IOException {
        current = db;
        try {
            send(db, request);
        } catch (AssertionError | IOException | RuntimeException e) {
            failed = true;
            throw e;
        }
    }

    private static void send(Db db, FuzzRequest request) throws IOException {
        FuzzFixtures f = FIXTURES.get(db);
        FuzzRequest sent = spareSessionForLogout(f, request);
        RawHttp.Answer answer;
        try {
            answer = RawHttp.exchange(f.kernel.server().port(), sent.method(), sent.target(), sent.headers(), sent.body());
        } catch (java.net.SocketTimeoutException hang) {
            throw new AssertionError("no answer within 20 s to " + sent, hang);
        }
        EXERCISED.get(db).add(request.operation().toString());
        STATUSES.computeIfAbsent(db + " " + answer.status(), k -> new AtomicInteger()).incrementAndGet();
        assertThat(answer.status()).as("status of %s: %s", sent, answer.text()).isBetween(100, 499);
        if (answer.status() >= 400 && !sent.method().equals("HEAD")) {
            assertError(sent, answer);
        }
    }

    /** Every error names a stable code: problem+json; the OAuth endpoints answer RFC 6749 errors; the page may answer HTML. */
    private static void assertError(FuzzRequest sent, RawHttp.Answer answer) {
        String type = answer.header("content-type");
        String path = sent.target().split("\\?", 2)[0];
        if (path.startsWith("/activate") && type != null && type.startsWith("text/html")) {
            return;
        }
        assertThat(type).as("content type of %s answer to %s: %s", answer.status(), sent, answer.text()).isNotNull();
        JsonNode body = HttpApi.JSON.readTree(answer.text());
        if (path.startsWith("/api/v1/oauth/device/authorize") || path.startsWith("/api/v1/oauth/device/token")) {
            if (type.startsWith("application/json")) {
                assertThat(body.path("error").asString("")).as("OAuth error of %s: %s", sent, answer.text()).isNotBlank();
                return;
            }
        }
        assertThat(type).as("content type of %s answer to %s: %s", answer.status(), sent, answer.text())
                .startsWith("application/problem+json");
        assertThat(body.path("code").asString("")).as("code of %s: %s", sent, answer.text()).isNotBlank();
        assertThat(body.path("status").asInt()).as("status member of %s: %s", sent, answer.text()).isEqualTo(answer.status());
    }

    /** A logout would end a session the fuzzer keeps using: it ends a throwaway session instead. */
    private static FuzzRequest spareSessionForLogout(FuzzFixtures f, FuzzRequest r) {
        if (!r.target().split("\\?")[0].startsWith("/api/v1/auth/logout")) {
            return r;
        }
        String throwaway = null;
        for (String token : List.of(f.owner.token(), f.admin)) {
            if (r.sendsBearer(token)) {
                if (throwaway == null) {
                    TestKernel.Owner someone = f.kernel.newOwner();
                    throwaway = someone.token();
                }
                String replacement = throwaway;
                List<String[]> headers = r.headers().stream()
                        .map(h -> h[0].equalsIgnoreCase("Authorization") ? new String[] {h[0], h[1].replace(token, replacement)} : h)
                        .toList();
                r = new FuzzRequest(r.operation(), r.method(), r.target(), r.credential(), headers, r.body());
            }
        }
        return r;
    }

    @AfterProperty
    void everyOperationExercisedAndNothingHalfWritten() {
        Db db = current;
        if (db != null) {
            assertThat(JobInvariants.halfWritten(KERNELS.get(db).server().database().jdbi()))
                    .as("half-written state on %s after fuzzing", db).isEmpty();
            if (failed) {
                return;
            }
            Set<String> missed = new java.util.TreeSet<>(OPERATIONS.get(db).stream().map(Operation::toString).toList());
            missed.removeAll(EXERCISED.get(db));
            assertThat(missed).as("operations the fuzzer never reached on %s", db).isEmpty();
            System.out.println("fuzz " + db + ": " + EXERCISED.get(db).size() + " operations, answers by status "
                    + new TreeMap<>(STATUSES).entrySet().stream().filter(e -> e.getKey().startsWith(db.name()))
                    .map(e -> e.getKey().substring(db.name().length() + 1) + "=" + e.getValue()).toList());
        }
    }

    @AfterContainer
    static void stopKernels() {
        KERNELS.values().forEach(TestKernel::close);
        KERNELS.clear();
    }
}
