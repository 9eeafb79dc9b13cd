package com.chaojiyuyan.kernel.jobs;

import static com.chaojiyuyan.kernel.testing.ProblemJson.assertProblem;
import static org.assertj.core.api.Assertions.assertThat;

import com.chaojiyuyan.kernel.testing.ContractTest;
import com.chaojiyuyan.kernel.testing.HttpApi;
import com.chaojiyuyan.kernel.testing.TestKernel;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

/** What {@code POST /kernel-jobs} refuses, with which status and code, and what it accepts. */
class JobCreateValidationTest extends ContractTest {
    private TestKernel.Agent caller;

    @BeforeEach
    void caller() {
        caller = kernel.newAgent();
    }

    private HttpApi.Response create(Object body) {
        return kernel.api().post("/kernel-jobs", caller.key(), body);
    }

    private static Map<String, Object> job(String capability, Object input) {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("capability_key", capability);
        body.put("input", input);
        return body;
    }

    private List<String> listedIds() {
        return kernel.api().get("/kernel-jobs?limit=200", caller.key()).json().get("items").valueStream()
                .map(j -> j.get("id").asString()).toList();
    }

    @Test
    void anUnknownCapabilityIsRefused() {
        JsonNode problem = assertProblem(create(job("does.not.exist", Map.of("text", "hi"))), 400, "unknown_capability");

        assertThat(problem.get("detail").asString()).contains("does.not.exist");
        assertThat(listedIds()).isEmpty();
    }

    @Test
    void aDeprecatedCapabilityTakesNoNewJobs() {
        String capability = kernel.newCapability();
        String before = kernel.createJob(caller, capability, "before").get("id").asString();
        HttpApi.Response deprecated = kernel.api().post("/capability-specs/" + capability + "/deprecate", kernel.adminToken(), null);
        assertThat(deprecated.status()).as(deprecated.toString()).isEqualTo(200);

        JsonNode problem = assertProblem(create(job(capability, Map.of("text", "after"))), 400, "capability_deprecated");

        assertThat(problem.get("detail").asString()).contains(capability);
        assertThat(listedIds()).containsExactly(before);
        assertThat(kernel.job(caller, before).get("status").asString()).as("jobs created before keep going").isEqualTo("queued");
    }

    @Test
    void inputThatDoesNotMatchTheInputSchemaIsRefusedWithTheSchemaErrors() {
        JsonNode wrongType = assertProblem(create(job("test.echo.v1", Map.of("text", 5))), 422, "validation_failed");
        JsonNode missing = assertProblem(create(job("test.echo.v1", Map.of())), 422, "validation_failed");
        JsonNode extra = assertProblem(create(job("test.echo.v1", Map.of("text", "hi", "colour", "red"))), 422, "validation_failed");
        JsonNode notAnObject = assertProblem(create(job("test.echo.v1", "hi")), 422, "validation_failed");

        for (JsonNode problem : List.of(wrongType, missing, extra, notAnObject)) {
            assertThat(problem.get("errors").isArray()).as(problem.toString()).isTrue();
            assertThat(problem.get("errors").valueStream()).as(problem.toString()).isNotEmpty()
                    .allSatisfy(e -> assertThat(e.isString()).isTrue());
            assertThat(problem.get("detail").asString()).contains("test.echo.v1");
        }
        assertThat(wrongType.get("errors").toString()).contains("text").contains("string");
        assertThat(missing.get("errors").toString()).contains("text");
        assertThat(extra.get("errors").toString()).contains("colour");
        assertThat(listedIds()).isEmpty();
    }

    @Test
    void inputPayloadIsAnAliasOfInput() {
        HttpApi.Response viaAlias = create(Map.of("capability_key", "test.echo.v1", "input_payload", Map.of("text", "aliased")));
        HttpApi.Response viaBoth = create(Map.of("capability_key", "test.echo.v1",
                "input", Map.of("text", "same"), "input_payload", Map.of("text", "same")));

        assertThat(viaAlias.status()).as(viaAlias.toString()).isEqualTo(201);
        assertThat(viaAlias.get("input").get("text").asString()).isEqualTo("aliased");
        assertThat(viaBoth.status()).as(viaBoth.toString()).isEqualTo(201);
        assertThat(viaBoth.get("input").get("text").asString()).isEqualTo("same");
        assertProblem(create(Map.of("capability_key", "test.echo.v1",
                "input", Map.of("text", "one"), "input_payload", Map.of("text", "two"))), 400, "invalid_request");
    }

    @Test
    void missingOrMistypedMembersAreRefused() {
        assertProblem(create(Map.of("capability_key", "test.echo.v1")), 400, "invalid_request");
        assertProblem(create("{\"capability_key\":\"test.echo.v1\",\"input\":null}"), 400, "invalid_request");
        assertProblem(create(Map.of("input", Map.of("text", "hi"))), 400, "invalid_request");
        assertProblem(create(job(null, Map.of("text", "hi"))), 400, "invalid_request");
        assertProblem(create(Map.of("capability_key", 7, "input", Map.of("text", "hi"))), 400, "invalid_request");
        Map<String, Object> budgetAsText = job("test.echo.v1", Map.of("text", "hi"));
        budgetAsText.put("max_budget_nc", "10");
        assertProblem(create(budgetAsText), 400, "invalid_request");
        Map<String, Object> negativeBudget = job("test.echo.v1", Map.of("text", "hi"));
        negativeBudget.put("max_budget_nc", -1);
        assertProblem(create(negativeBudget), 400, "invalid_request");
        Map<String, Object> keyAsNumber = job("test.echo.v1", Map.of("text", "hi"));
        keyAsNumber.put("idempotency_key", 12);
        assertProblem(create(keyAsNumber), 400, "invalid_request");
        assertThat(listedIds()).isEmpty();
    }

    @Test
    void aBudgetBelowThePriceIsRefused() {
        String priced = kernel.newCapability(Map.of("price_nc", 5));
        Map<String, Object> below = job(priced, Map.of("text", "hi"));
        below.put("max_budget_nc", 4);

        JsonNode problem = assertProblem(create(below), 422, "budget_below_price");

        assertThat(problem.get("detail").asString()).contains(priced).contains("5");
        assertThat(listedIds()).isEmpty();
    }

    @Test
    void theBudgetDefaultsToThePriceAndMayExceedIt() {
        String priced = kernel.newCapability(Map.of("price_nc", 5));
        Map<String, Object> above = job(priced, Map.of("text", "hi"));
        above.put("max_budget_nc", 6);
        kernel.grantCredits(kernel.ownerOf(caller), 11);

        HttpApi.Response byDefault = create(job(priced, Map.of("text", "hi")));
        HttpApi.Response generous = create(above);

        assertThat(byDefault.status()).as(byDefault.toString()).isEqualTo(201);
        assertThat(byDefault.get("max_budget_nc").asLong()).isEqualTo(5);
        assertThat(generous.status()).as(generous.toString()).isEqualTo(201);
        assertThat(generous.get("max_budget_nc").asLong()).isEqualTo(6);
    }

    @Test
    void aCallbackUrlMustBeAnAbsoluteHttpUrl() {
        for (String bad : List.of("not a url", "/relative/hook", "ftp://example.org/hook", "http://", "https:///path-only",
                "javascript:alert(1)", "https://example.org/" + "a".repeat(2100))) {
            Map<String, Object> body = job("test.echo.v1", Map.of("text", "hi"));
            body.put("callback_url", bad);
            assertProblem(create(body), 400, "invalid_callback_url");
        }
        assertThat(listedIds()).isEmpty();

        Map<String, Object> good = job("test.echo.v1", Map.of("text", "hi"));
        good.put("callback_url", "https://example.org/hook?job=1");
        HttpApi.Response created = create(good);
        assertThat(created.status()).as(created.toString()).isEqualTo(201);
        assertThat(created.get("callback_url").asString()).isEqualTo("https://example.org/hook?job=1");
    }

    @Test
    void unknownMembersAreRefusedByName() {
        Map<String, Object> body = job("test.echo.v1", Map.of("text", "hi"));
        body.put("priority", "high");

        JsonNode problem = assertProblem(create(body), 400, "invalid_request");

        assertThat(problem.get("detail").asString()).contains("priority");
        assertThat(listedIds()).isEmpty();
    }

    @Test
    void anOwnerTokenCannotCreateJobs() {
        TestKernel.Owner owner = kernel.newOwner();

        assertProblem(kernel.api().post("/kernel-jobs", owner.token(), job("test.echo.v1", Map.of("text", "hi"))),
                403, "agent_key_required");

        assertThat(kernel.api().get("/kernel-jobs", owner.token()).json().get("items").valueStream()).isEmpty();
    }

    @Test
    void aValidRequestAnswersTheJobInTheCallerView() {
        HttpApi.Response r = create(job("test.echo.v1", Map.of("text", "hello")));

        assertThat(r.status()).as(r.toString()).isEqualTo(201);
        JsonNode j = r.json();
        assertThat(j.get("id").asString()).startsWith("job_");
        assertThat(j.get("capability_key").asString()).isEqualTo("test.echo.v1");
        assertThat(j.get("status").asString()).isEqualTo("queued");
        assertThat(j.get("input").get("text").asString()).isEqualTo("hello");
        assertThat(j.get("output").isNull()).isTrue();
        assertThat(j.get("error").isNull()).isTrue();
        assertThat(j.get("artifacts").isArray()).isTrue();
        assertThat(j.get("attempt").asInt()).isZero();
        assertThat(j.get("max_attempts").asInt()).isEqualTo(3);
        assertThat(j.get("max_budget_nc").asLong()).isZero();
        assertThat(j.get("cost_nc").isNull()).isTrue();
        assertThat(j.get("finished_at").isNull()).isTrue();
        for (String time : List.of("created_at", "updated_at", "expires_at")) {
            assertThat(java.time.Instant.parse(j.get(time).asString())).as(time).isNotNull();
        }
        assertThat(java.time.Duration.between(java.time.Instant.parse(j.get("created_at").asString()),
                java.time.Instant.parse(j.get("expires_at").asString()))).as("the default ttl").isEqualTo(java.time.Duration.ofHours(1));
        assertThat(j.get("view_url").asString()).endsWith("/console/jobs/" + j.get("id").asString());
        assertThat(listedIds()).containsExactly(j.get("id").asString());
    }
}
