package com.chaojiyuyan.kernel.jobs;

import static com.chaojiyuyan.kernel.testing.ProblemJson.assertProblem;
import static org.assertj.core.api.Assertions.assertThat;

import com.chaojiyuyan.kernel.testing.ContractTest;
import com.chaojiyuyan.kernel.testing.HttpApi;
import com.chaojiyuyan.kernel.testing.TestKernel;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.RepeatedTest;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

/**
 * {@code POST /kernel-jobs} is idempotent per calling agent: a replay of the same key and body answers
 * the original job (200), a different body under the same key is refused (422), and concurrent creates
 * with one key make exactly one job.
 */
class IdempotencyTest extends ContractTest {

    private static Map<String, Object> create(String capability, String text, String key) {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("capability_key", capability);
        body.put("input", Map.of("text", text));
        if (key != null) {
            body.put("idempotency_key", key);
        }
        return body;
    }

    private static HttpApi.Response post(TestKernel.Agent caller, Object body) {
        return kernel.api().post("/kernel-jobs", caller.key(), body);
    }

    private static HttpApi.Response postWithHeader(TestKernel.Agent caller, Object body, String idempotencyKeyHeader) {
        return kernel.api().send("POST", "/kernel-jobs", caller.key(), HttpApi.JSON.writeValueAsString(body),
                Map.of("Idempotency-Key", idempotencyKeyHeader));
    }

    /** The ids of the caller's jobs of {@code capability}, as its listing shows them. */
    private static List<String> listedIds(TestKernel.Agent caller, String capability) {
        HttpApi.Response r = kernel.api().get("/kernel-jobs?limit=200&capability_key=" + capability, caller.key());
        assertThat(r.status()).as(r.toString()).isEqualTo(200);
        return r.json().get("items").valueStream().map(j -> j.get("id").asString()).toList();
    }

    private static String newKey() {
        return "request-" + UUID.randomUUID();
    }

    @Test
    void replayWithTheSameKeyAndBodyAnswersTheOriginalJob() {
        TestKernel.Agent caller = kernel.newAgent();
        String capability = kernel.newCapability();
        String key = newKey();

        HttpApi.Response first = post(caller, create(capability, "hi", key));
        HttpApi.Response replay = post(caller, create(capability, "hi", key));

        assertThat(first.status()).as(first.toString()).isEqualTo(201);
        assertThat(first.get("idempotency_key").asString()).isEqualTo(key);
        assertThat(replay.status()).as(replay.toString()).isEqualTo(200);
        assertThat(replay.get("id").asString()).isEqualTo(first.get("id").asString());
        assertThat(replay.get("created_at")).isEqualTo(first.get("created_at"));
        assertThat(listedIds(caller, capability)).containsExactly(first.get("id").asString());
    }

    @Test
    void replayAnswersTheJobAsItIsNow() {
        TestKernel.Agent caller = kernel.newAgent();
        String capability = kernel.newCapability();
        String key = newKey();
        String id = post(caller, create(capability, "hi", key)).get("id").asString();
        assertThat(kernel.api().post("/kernel-jobs/" + id + "/cancel", caller.key(), null).status()).isEqualTo(200);

        HttpApi.Response replay = post(caller, create(capability, "hi", key));

        assertThat(replay.status()).as(replay.toString()).isEqualTo(200);
        assertThat(replay.get("id").asString()).isEqualTo(id);
        assertThat(replay.get("status").asString()).isEqualTo("cancelled");
        assertThat(listedIds(caller, capability)).containsExactly(id);
    }

    @Test
    void aReplayAnswersTheOriginalJobEvenAfterTheCatalogChanged() {
        TestKernel.Agent caller = kernel.newAgent();
        String admin = kernel.adminToken();
        String repriced = kernel.newCapability();
        String reshaped = kernel.newCapability();
        String deprecated = kernel.newCapability();
        Map<String, String> keys = Map.of(repriced, newKey(), reshaped, newKey(), deprecated, newKey());
        Map<String, String> ids = new LinkedHashMap<>();
        keys.forEach((capability, key) -> ids.put(capability, post(caller, create(capability, "hi", key)).get("id").asString()));

        assertThat(kernel.api().put("/capability-specs/" + repriced, admin, Map.of("price_nc", 5)).status()).isEqualTo(200);
        assertThat(kernel.api().put("/capability-specs/" + reshaped, admin, Map.of("input_schema",
                Map.of("type", "object", "required", List.of("other"))))).extracting(HttpApi.Response::status).isEqualTo(200);
        assertThat(kernel.api().post("/capability-specs/" + deprecated + "/deprecate", admin, null).status()).isEqualTo(200);

        // A client retrying after a lost answer learns of its job, not of today's catalog.
        keys.forEach((capability, key) -> {
            HttpApi.Response replay = post(caller, create(capability, "hi", key));
            assertThat(replay.status()).as("%s: %s", capability, replay).isEqualTo(200);
            assertThat(replay.get("id").asString()).isEqualTo(ids.get(capability));
        });
        assertProblem(post(caller, create(deprecated, "changed", keys.get(deprecated))), 422, "idempotency_key_reused");
    }

    @Test
    void memberOrderAndTheInputAliasDoNotMakeABodyDifferent() {
        TestKernel.Agent caller = kernel.newAgent();
        String capability = kernel.newCapability(); // its input schema allows members beyond "text"
        String key = newKey();
        HttpApi.Response first = post(caller, """
                {"capability_key":"%s","input":{"text":"a","n":1},"idempotency_key":"%s"}""".formatted(capability, key));
        HttpApi.Response replay = post(caller, """
                {"idempotency_key":"%s","input_payload":{"n":1,"text":"a"},"capability_key":"%s"}""".formatted(key, capability));

        assertThat(first.status()).as(first.toString()).isEqualTo(201);
        assertThat(replay.status()).as(replay.toString()).isEqualTo(200);
        assertThat(replay.get("id").asString()).isEqualTo(first.get("id").asString());
    }

    @Test
    void theSameKeyWithAnotherBodyIsRefused() {
        TestKernel.Agent caller = kernel.newAgent();
        String capability = kernel.newCapability();
        String otherCapability = kernel.newCapability();
        String key = newKey();
        String id = post(caller, create(capability, "hi", key)).get("id").asString();

        Map<String, Object> otherInput = create(capability, "bye", key);
        Map<String, Object> otherCapabilityKey = create(otherCapability, "hi", key);
        Map<String, Object> otherBudget = create(capability, "hi", key);
        otherBudget.put("max_budget_nc", 1);
        Map<String, Object> otherCallback = create(capability, "hi", key);
        otherCallback.put("callback_url", "https://example.org/hook");
        for (Map<String, Object> body : List.of(otherInput, otherCapabilityKey, otherBudget, otherCallback)) {
            JsonNode problem = assertProblem(post(caller, body), 422, "idempotency_key_reused");
            assertThat(problem.get("detail").asString()).contains(key);
        }

        assertThat(listedIds(caller, capability)).containsExactly(id);
        assertThat(listedIds(caller, otherCapability)).isEmpty();
        HttpApi.Response replay = post(caller, create(capability, "hi", key));
        assertThat(replay.status()).as(replay.toString()).isEqualTo(200);
        assertThat(replay.get("id").asString()).isEqualTo(id);
    }

    @Test
    void theIdempotencyKeyHeaderWorksQuotedAndBare() {
        TestKernel.Agent caller = kernel.newAgent();
        String capability = kernel.newCapability();
        String key = newKey();

        HttpApi.Response quoted = postWithHeader(caller, create(capability, "hi", null), "\"" + key + "\"");
        HttpApi.Response bare = postWithHeader(caller, create(capability, "hi", null), key);
        HttpApi.Response inBody = post(caller, create(capability, "hi", key));
        HttpApi.Response both = postWithHeader(caller, create(capability, "hi", key), key);

        assertThat(quoted.status()).as(quoted.toString()).isEqualTo(201);
        assertThat(quoted.get("idempotency_key").asString()).isEqualTo(key);
        String id = quoted.get("id").asString();
        for (HttpApi.Response replay : List.of(bare, inBody, both)) {
            assertThat(replay.status()).as(replay.toString()).isEqualTo(200);
            assertThat(replay.get("id").asString()).isEqualTo(id);
        }
        assertThat(listedIds(caller, capability)).containsExactly(id);
    }

    @Test
    void aHeaderKeyThatDiffersFromTheBodyKeyIsRefused() {
        TestKernel.Agent caller = kernel.newAgent();
        String capability = kernel.newCapability();

        assertProblem(postWithHeader(caller, create(capability, "hi", newKey()), newKey()), 400, "invalid_request");

        assertThat(listedIds(caller, capability)).isEmpty();
    }

    @Test
    void keysThatAreEmptyTooLongOrNotPrintableAreRefused() {
        TestKernel.Agent caller = kernel.newAgent();
        String capability = kernel.newCapability();

        for (String key : List.of("", "k".repeat(256), "tab\tkey", "line\nkey")) {
            assertProblem(post(caller, create(capability, "hi", key)), 400, "invalid_request");
        }
        assertThat(post(caller, create(capability, "hi", "k".repeat(255))).status()).isEqualTo(201);
        assertThat(listedIds(caller, capability)).hasSize(1);
    }

    @Test
    void keysThatDifferOnlyInCaseAreDifferentKeys() {
        TestKernel.Agent caller = kernel.newAgent();
        String capability = kernel.newCapability();
        String key = "Request-" + UUID.randomUUID().toString().toUpperCase(java.util.Locale.ROOT);

        // Back to back, so both usually travel on one kept-alive connection.
        HttpApi.Response upper = postWithHeader(caller, create(capability, "hi", null), key);
        HttpApi.Response lower = postWithHeader(caller, create(capability, "hi", null), key.toLowerCase(java.util.Locale.ROOT));
        HttpApi.Response lowerInBody = post(caller, create(capability, "hi", key.toLowerCase(java.util.Locale.ROOT)));

        assertThat(upper.status()).as(upper.toString()).isEqualTo(201);
        assertThat(lower.status()).as(lower.toString()).isEqualTo(201);
        assertThat(lower.get("idempotency_key").asString()).isEqualTo(key.toLowerCase(java.util.Locale.ROOT));
        assertThat(lowerInBody.status()).as(lowerInBody.toString()).isEqualTo(200);
        assertThat(lowerInBody.get("id").asString()).isEqualTo(lower.get("id").asString());
        assertThat(listedIds(caller, capability)).hasSize(2);
    }

    @Test
    void keysAreScopedPerCallingAgent() {
        TestKernel.Owner owner = kernel.newOwner();
        TestKernel.Agent first = kernel.newAgent(owner, "first");
        TestKernel.Agent sibling = kernel.newAgent(owner, "sibling");
        TestKernel.Agent stranger = kernel.newAgent();
        String capability = kernel.newCapability();
        String key = newKey();

        HttpApi.Response a = post(first, create(capability, "hi", key));
        HttpApi.Response b = post(sibling, create(capability, "hi", key));
        HttpApi.Response c = post(stranger, create(capability, "a different body", key));

        assertThat(List.of(a.status(), b.status(), c.status())).containsExactly(201, 201, 201);
        assertThat(List.of(a.get("id").asString(), b.get("id").asString(), c.get("id").asString())).doesNotHaveDuplicates();
        assertThat(listedIds(first, capability)).containsExactly(a.get("id").asString());
        assertThat(listedIds(sibling, capability)).containsExactly(b.get("id").asString());
        assertThat(listedIds(stranger, capability)).containsExactly(c.get("id").asString());
    }

    @RepeatedTest(3)
    void concurrentCreatesWithOneKeyMakeExactlyOneJob() throws Exception {
        TestKernel.Agent caller = kernel.newAgent();
        String capability = kernel.newCapability();
        Map<String, Object> body = create(capability, "only once", newKey());
        int callers = 50;
        CountDownLatch ready = new CountDownLatch(callers);
        CountDownLatch go = new CountDownLatch(1);
        List<Future<HttpApi.Response>> answers = new ArrayList<>();
        try (ExecutorService pool = Executors.newVirtualThreadPerTaskExecutor()) {
            for (int i = 0; i < callers; i++) {
                answers.add(pool.submit(() -> {
                    ready.countDown();
                    go.await();
                    return post(caller, body);
                }));
            }
            ready.await();
            go.countDown();
        }

        List<HttpApi.Response> responses = new ArrayList<>();
        for (Future<HttpApi.Response> f : answers) {
            responses.add(f.get());
        }
        assertThat(responses).allSatisfy(r -> assertThat(r.status()).as(r.toString()).isIn(200, 201));
        assertThat(responses.stream().filter(r -> r.status() == 201)).hasSize(1);
        assertThat(responses.stream().filter(r -> r.status() == 200)).hasSize(callers - 1);
        List<String> ids = responses.stream().map(r -> r.get("id").asString()).distinct().toList();
        assertThat(ids).hasSize(1);
        assertThat(listedIds(caller, capability)).containsExactlyElementsOf(ids);
        assertThat(kernel.eventTypes(caller, ids.get(0))).containsExactly("created");
    }
}
