package com.chaojiyuyan.kernel.catalog;

import static com.chaojiyuyan.kernel.testing.ProblemJson.assertProblem;
import static org.assertj.core.api.Assertions.assertThat;

import com.chaojiyuyan.kernel.testing.ContractTest;
import com.chaojiyuyan.kernel.testing.HttpApi;
import com.chaojiyuyan.kernel.testing.TestKernel;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

/** The capability catalog: readable by every identity, shipped with two echo capabilities, edited by admins. */
class CatalogTest extends ContractTest {
    private static final AtomicInteger SEQUENCE = new AtomicInteger();

    private static String newKey() {
        return "catalog.test" + SEQUENCE.incrementAndGet() + ".n" + Long.toString(System.nanoTime(), 36);
    }

    private static Map<String, Object> spec(String key) {
        Map<String, Object> spec = new LinkedHashMap<>();
        spec.put("capability_key", key);
        return spec;
    }

    private static HttpApi.Response post(Object spec) {
        return kernel.api().post("/capability-specs", kernel.adminToken(), spec);
    }

    private static HttpApi.Response put(String key, Object spec) {
        return kernel.api().put("/capability-specs/" + key, kernel.adminToken(), spec);
    }

    private static JsonNode get(String key) {
        HttpApi.Response r = kernel.api().get("/capability-specs/" + key, kernel.adminToken());
        assertThat(r.status()).as(r.toString()).isEqualTo(200);
        return r.json();
    }

    /** Every entry of the listing, following next_cursor from {@code query}, page by page. */
    private static List<List<JsonNode>> walk(String token, String query) {
        List<List<JsonNode>> pages = new ArrayList<>();
        String cursor = null;
        do {
            String path = "/capability-specs?" + query + (cursor == null ? "" : "&cursor=" + cursor);
            HttpApi.Response r = kernel.api().get(path, token);
            assertThat(r.status()).as(r.toString()).isEqualTo(200);
            pages.add(r.json().get("items").valueStream().toList());
            cursor = r.json().get("next_cursor").isNull() ? null : r.json().get("next_cursor").asString();
            assertThat(pages).as("a walk that never ends").hasSizeLessThan(1000);
        } while (cursor != null);
        return pages;
    }

    private static List<String> keys(List<List<JsonNode>> pages) {
        return pages.stream().flatMap(List::stream).map(s -> s.get("capability_key").asString()).toList();
    }

    @Test
    void theDefaultCatalogShipsTheEchoCapabilities() {
        TestKernel.Agent agent = kernel.newAgent();
        TestKernel.Owner owner = kernel.newOwner();

        for (String token : List.of(agent.key(), owner.token())) {
            HttpApi.Response r = kernel.api().get("/capability-specs", token);
            assertThat(r.status()).as(r.toString()).isEqualTo(200);
            assertThat(r.json().has("next_cursor")).isTrue();
            for (String key : List.of("test.echo.v1", "media.echo.v1")) {
                JsonNode spec = r.json().get("items").valueStream().filter(s -> s.get("capability_key").asString().equals(key))
                        .findFirst().orElseThrow(() -> new AssertionError(key + " is not listed: " + r));
                assertThat(spec.get("name").asString()).isNotBlank();
                assertThat(spec.get("description").asString()).isNotBlank();
                assertThat(spec.get("input_schema").get("properties").get("text").get("type").asString()).isEqualTo("string");
                assertThat(spec.get("input_schema").get("required").valueStream().map(JsonNode::asString)).containsExactly("text");
                assertThat(spec.get("output_schema").get("properties").get("echo").get("type").asString()).isEqualTo("string");
                assertThat(spec.get("output_schema").get("required").valueStream().map(JsonNode::asString)).containsExactly("echo");
                assertThat(spec.get("price_nc").asLong()).isZero();
                assertThat(spec.get("lease_seconds").asInt()).isEqualTo(30);
                assertThat(spec.get("heartbeat_seconds").asInt()).isEqualTo(10);
                assertThat(spec.get("max_attempts").asInt()).isEqualTo(3);
                assertThat(spec.get("job_ttl_seconds").asInt()).isEqualTo(3600);
                assertThat(spec.get("status").asString()).isEqualTo("active");
                assertThat(get(key)).isEqualTo(spec);
            }
        }
        assertProblem(kernel.api().get("/capability-specs", null), 401, "unauthenticated");
    }

    @Test
    void anAdminCreatesASpecAndUnsaidFieldsTakeTheDefaults() {
        String key = newKey();

        HttpApi.Response created = post(spec(key));

        assertThat(created.status()).as(created.toString()).isEqualTo(201);
        JsonNode s = created.json();
        assertThat(s.get("capability_key").asString()).isEqualTo(key);
        assertThat(s.get("name").asString()).isEqualTo(key);
        assertThat(s.get("description").asString()).isEmpty();
        assertThat(s.get("input_schema").isObject()).isTrue();
        assertThat(s.get("output_schema").isObject()).isTrue();
        assertThat(s.get("price_nc").asLong()).isZero();
        assertThat(s.get("lease_seconds").asInt()).isEqualTo(30);
        assertThat(s.get("heartbeat_seconds").asInt()).isEqualTo(10);
        assertThat(s.get("max_attempts").asInt()).isEqualTo(3);
        assertThat(s.get("job_ttl_seconds").asInt()).isEqualTo(3600);
        assertThat(s.get("status").asString()).isEqualTo("active");
        assertThat(get(key)).isEqualTo(s);
    }

    @Test
    void anAdminSetsEveryField() {
        String key = newKey();
        Map<String, Object> spec = spec(key);
        spec.put("name", "Summarise");
        spec.put("description", "Summarises a text.");
        spec.put("input_schema", Map.of("type", "object", "required", List.of("text")));
        spec.put("output_schema", true);
        spec.put("price_nc", 7);
        spec.put("lease_seconds", 60);
        spec.put("heartbeat_seconds", 60);
        spec.put("max_attempts", 5);
        spec.put("job_ttl_seconds", 120);

        HttpApi.Response created = post(spec);

        assertThat(created.status()).as(created.toString()).isEqualTo(201);
        JsonNode s = created.json();
        assertThat(s.get("name").asString()).isEqualTo("Summarise");
        assertThat(s.get("description").asString()).isEqualTo("Summarises a text.");
        assertThat(s.get("input_schema").get("required").get(0).asString()).isEqualTo("text");
        assertThat(s.get("output_schema").asBoolean()).isTrue();
        assertThat(s.get("price_nc").asLong()).isEqualTo(7);
        assertThat(s.get("lease_seconds").asInt()).isEqualTo(60);
        assertThat(s.get("heartbeat_seconds").asInt()).isEqualTo(60);
        assertThat(s.get("max_attempts").asInt()).isEqualTo(5);
        assertThat(s.get("job_ttl_seconds").asInt()).isEqualTo(120);
        assertThat(get(key)).isEqualTo(s);
    }

    @Test
    void creatingAnExistingCapabilityIsAConflict() {
        String key = newKey();
        Map<String, Object> first = spec(key);
        first.put("price_nc", 1);
        assertThat(post(first).status()).isEqualTo(201);
        Map<String, Object> again = spec(key);
        again.put("price_nc", 2);

        assertProblem(post(again), 409, "capability_exists");
        assertProblem(post(spec("test.echo.v1")), 409, "capability_exists");

        assertThat(get(key).get("price_nc").asLong()).as("unchanged").isEqualTo(1);
    }

    @Test
    void putCreatesThenUpdates() {
        String key = newKey();
        Map<String, Object> spec = new LinkedHashMap<>(Map.of("name", "First", "price_nc", 3));

        HttpApi.Response created = put(key, spec);
        spec.put("name", "Second");
        spec.put("price_nc", 4);
        HttpApi.Response updated = put(key, spec);

        assertThat(created.status()).as(created.toString()).isEqualTo(201);
        assertThat(updated.status()).as(updated.toString()).isEqualTo(200);
        JsonNode now = get(key);
        assertThat(now.get("name").asString()).isEqualTo("Second");
        assertThat(now.get("price_nc").asLong()).isEqualTo(4);
        assertThat(now.get("created_at")).isEqualTo(created.get("created_at"));
        assertThat(Instant.parse(now.get("updated_at").asString())).isAfterOrEqualTo(Instant.parse(created.get("updated_at").asString()));
        Map<String, Object> withKey = new LinkedHashMap<>(spec);
        withKey.put("capability_key", key);
        assertThat(put(key, withKey).status()).as("the path's key repeated in the body").isEqualTo(200);
        withKey.put("capability_key", newKey());
        assertProblem(put(key, withKey), 400, "invalid_request");
    }

    @Test
    void aDeprecatedCapabilityLeavesTheDefaultListingOnly() {
        String key = newKey();
        assertThat(post(spec(key)).status()).isEqualTo(201);
        String token = kernel.newAgent().key();

        HttpApi.Response deprecated = kernel.api().post("/capability-specs/" + key + "/deprecate", kernel.adminToken(), null);

        assertThat(deprecated.status()).as(deprecated.toString()).isEqualTo(200);
        assertThat(deprecated.get("status").asString()).isEqualTo("deprecated");
        assertThat(keys(walk(token, "limit=500"))).doesNotContain(key).contains("test.echo.v1");
        List<JsonNode> all = walk(token, "limit=500&include_deprecated=true").stream().flatMap(List::stream).toList();
        assertThat(all).filteredOn(s -> s.get("capability_key").asString().equals(key))
                .singleElement().satisfies(s -> assertThat(s.get("status").asString()).isEqualTo("deprecated"));
        assertThat(get(key).get("status").asString()).isEqualTo("deprecated");

        Map<String, Object> reactivate = new LinkedHashMap<>(Map.of("status", "active"));
        assertThat(put(key, reactivate).status()).isEqualTo(200);
        assertThat(keys(walk(token, "limit=500"))).contains(key);
        assertProblem(kernel.api().post("/capability-specs/" + newKey() + "/deprecate", kernel.adminToken(), null),
                404, "not_found");
    }

    @Test
    void anInvalidJsonSchemaIsRefused() {
        List<Object> invalid = List.of("a string", 12, List.of(), Map.of("type", 12), Map.of("type", "nonsense"),
                Map.of("properties", 5), Map.of("required", "text"), Map.of("minLength", -1), Map.of("pattern", "["),
                Map.of("$ref", "#/nowhere"), Map.of("properties", Map.of("text", Map.of("type", "strin"))));
        for (Object schema : invalid) {
            for (String member : List.of("input_schema", "output_schema")) {
                String key = newKey();
                Map<String, Object> spec = spec(key);
                spec.put(member, schema);
                JsonNode problem = assertProblem(post(spec), 422, "invalid_schema");
                assertThat(problem.get("detail").asString()).as("%s = %s", member, schema).contains(member);
                Map<String, Object> viaPut = new LinkedHashMap<>(Map.of(member, schema));
                assertProblem(put(key, viaPut), 422, "invalid_schema");
                assertProblem(kernel.api().get("/capability-specs/" + key, kernel.adminToken()), 404, "not_found");
            }
        }
        for (Object schema : List.of(true, false, Map.of(), Map.of("type", List.of("string", "null")), Map.of("minLength", 0))) {
            Map<String, Object> spec = spec(newKey());
            spec.put("input_schema", schema);
            assertThat(post(spec).status()).as("valid schema %s", schema).isEqualTo(201);
        }
    }

    @Test
    void aMalformedCapabilityKeyIsRefused() {
        for (String bad : List.of("nodots", "Upper.Case", ".leading", "trailing.", "a..b", "has space.x", "1abc.x", "a.b!",
                "ümlaut.x", "a." + "b".repeat(127))) {
            assertProblem(post(spec(bad)), 400, "invalid_request");
        }
        assertProblem(post(Map.of()), 400, "invalid_request");
        assertProblem(post(Map.of("capability_key", 12)), 400, "invalid_request");
        assertProblem(put("NoDots", Map.of()), 400, "invalid_request");
        assertProblem(put("x.Upper", Map.of()), 400, "invalid_request");
        assertThat(post(spec("a." + "b".repeat(126))).status()).as("128 characters are allowed").isEqualTo(201);
    }

    @Test
    void leaseHeartbeatAndOtherNumbersMustBeSensible() {
        String key = newKey();
        Map<String, Object> spec = spec(key);
        spec.put("lease_seconds", 10);
        spec.put("heartbeat_seconds", 11);

        assertProblem(post(spec), 400, "invalid_request");
        for (Map.Entry<String, Object> bad : List.<Map.Entry<String, Object>>of(Map.entry("lease_seconds", 0), Map.entry("heartbeat_seconds", 0),
                Map.entry("max_attempts", 0), Map.entry("job_ttl_seconds", 0), Map.entry("price_nc", -1),
                Map.entry("lease_seconds", 1.5), Map.entry("status", "retired"), Map.entry("name", 5),
                Map.entry("unknown_member", 1))) {
            Map<String, Object> s = spec(newKey());
            s.put(bad.getKey(), bad.getValue());
            assertProblem(post(s), 400, "invalid_request");
        }

        Map<String, Object> shortLease = spec(key);
        shortLease.put("lease_seconds", 5);
        HttpApi.Response created = post(shortLease);
        assertThat(created.status()).as(created.toString()).isEqualTo(201);
        assertThat(created.get("heartbeat_seconds").asInt()).as("the default heartbeat fits the lease").isEqualTo(5);
    }

    @Test
    void onlyAdminsEditTheCatalog() {
        String key = newKey();
        assertThat(post(spec(key)).status()).isEqualTo(201);
        TestKernel.Owner owner = kernel.newOwner();
        TestKernel.Agent agent = kernel.newAgent(owner, "agent");

        for (String token : List.of(owner.token(), agent.key())) {
            assertProblem(kernel.api().post("/capability-specs", token, spec(newKey())), 403, "admin_required");
            assertProblem(kernel.api().put("/capability-specs/" + key, token, Map.of("price_nc", 9)), 403, "admin_required");
            assertProblem(kernel.api().post("/capability-specs/" + key + "/deprecate", token, null), 403, "admin_required");
        }

        assertThat(get(key).get("price_nc").asLong()).isZero();
        assertThat(get(key).get("status").asString()).isEqualTo("active");
    }

    @Test
    void limitAndNextCursorWalkTheWholeCatalogOnce() {
        for (int i = 0; i < 3; i++) {
            assertThat(post(spec(newKey())).status()).isEqualTo(201);
        }
        String token = kernel.newAgent().key();
        List<String> everything = keys(walk(token, "limit=500"));
        assertThat(everything.size()).isGreaterThanOrEqualTo(5);

        for (int limit : new int[] {1, 2, 3}) {
            List<List<JsonNode>> pages = walk(token, "limit=" + limit);
            assertThat(pages.subList(0, pages.size() - 1)).allSatisfy(page -> assertThat(page).hasSize(limit));
            assertThat(pages.getLast()).isNotEmpty().hasSizeLessThanOrEqualTo(limit);
            assertThat(keys(pages)).as("limit %d", limit).containsExactlyElementsOf(everything);
        }
        for (String bad : List.of("limit=0", "limit=501", "limit=x", "cursor=%25%25")) {
            assertProblem(kernel.api().get("/capability-specs?" + bad, token), 400, "invalid_parameter");
        }
    }
}
