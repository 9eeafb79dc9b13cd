package com.chaojiyuyan.kernel.webhooks;

import static com.chaojiyuyan.kernel.testing.ProblemJson.assertProblem;
import static com.chaojiyuyan.kernel.webhooks.WebhookTestKernel.awaitDelivery;
import static com.chaojiyuyan.kernel.webhooks.WebhookTestKernel.createEndpoint;
import static com.chaojiyuyan.kernel.webhooks.WebhookTestKernel.settledJob;
import static org.assertj.core.api.Assertions.assertThat;

import com.chaojiyuyan.kernel.testing.HttpApi;
import com.chaojiyuyan.kernel.testing.TestKernel;
import java.util.Base64;
import java.util.Map;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

/**
 * Endpoints and secrets belong to an owner (its agents act for it): created with a secret shown once,
 * listed without it, deleted, rotated; nobody else's are reachable. A job's deliveries are visible
 * to whoever may read the job as its caller, and to nobody else.
 */
class WebhookEndpointsTest extends WebhookContractTest {

    @Test
    void anEndpointIsCreatedWithItsSecretShownOnceListedAndDeleted() {
        TestKernel.Owner owner = kernel.newOwner();
        TestKernel.Agent agent = kernel.newAgent(owner, "agent");
        HttpApi.Response created = kernel.api().post("/webhook-endpoints", owner.token(),
                Map.of("url", "https://example.org/hooks/kernel", "description", "production"));
        assertThat(created.status()).as(created.toString()).isEqualTo(201);
        JsonNode e = created.json();
        assertThat(e.get("id").asString()).startsWith("whe_");
        assertThat(e.get("url").asString()).isEqualTo("https://example.org/hooks/kernel");
        assertThat(e.get("description").asString()).isEqualTo("production");
        assertThat(e.get("status").asString()).isEqualTo("active");
        assertThat(e.get("created_at").asString()).isNotBlank();
        String secret = e.get("secret").asString();
        assertThat(secret).startsWith("whsec_");
        assertThat(Base64.getDecoder().decode(secret.substring(6))).hasSize(32);

        // The owner's agents see the owner's endpoints; the secret is never listed.
        HttpApi.Response listed = kernel.api().get("/webhook-endpoints", agent.key());
        assertThat(listed.status()).isEqualTo(200);
        assertThat(listed.json().get("items")).hasSize(1);
        assertThat(listed.json().get("items").get(0).get("id").asString()).isEqualTo(e.get("id").asString());
        assertThat(listed.json().get("items").get(0).has("secret")).isFalse();
        assertThat(listed.text()).doesNotContain(secret);

        String path = "/webhook-endpoints/" + e.get("id").asString();
        assertThat(kernel.api().delete(path, agent.key()).status()).isEqualTo(204);
        assertProblem(kernel.api().delete(path, owner.token()), 404, "not_found");
        assertProblem(kernel.api().post(path + "/rotate", owner.token(), Map.of()), 404, "not_found");
        assertThat(kernel.api().get("/webhook-endpoints", owner.token()).json().get("items")).isEmpty();
    }

    @Test
    void anotherOwnersEndpointIsNotFound() {
        TestKernel.Owner owner = kernel.newOwner();
        String id = createEndpoint(kernel, owner.token(), "https://example.org/mine").get("id").asString();
        TestKernel.Owner stranger = kernel.newOwner();
        assertThat(kernel.api().get("/webhook-endpoints", stranger.token()).json().get("items")).isEmpty();
        assertProblem(kernel.api().delete("/webhook-endpoints/" + id, stranger.token()), 404, "not_found");
        assertProblem(kernel.api().post("/webhook-endpoints/" + id + "/rotate", stranger.token(), Map.of()), 404, "not_found");
        assertProblem(kernel.api().delete("/webhook-endpoints/not-an-id", owner.token()), 404, "not_found");
        assertThat(kernel.api().get("/webhook-endpoints", owner.token()).json().get("items")).hasSize(1);
    }

    @Test
    void rotatingAnswersTheNewSecretAndWhenTheOldOneStops() {
        TestKernel.Owner owner = kernel.newOwner();
        JsonNode e = createEndpoint(kernel, owner.token(), "https://example.org/rotate");
        String path = "/webhook-endpoints/" + e.get("id").asString() + "/rotate";
        HttpApi.Response byDefault = kernel.api().post(path, owner.token(), null);
        assertThat(byDefault.status()).as(byDefault.toString()).isEqualTo(200);
        assertThat(byDefault.json().get("secret").asString()).startsWith("whsec_").isNotEqualTo(e.get("secret").asString());
        long expires = java.time.Instant.parse(byDefault.json().get("previous_secret_expires_at").asString()).toEpochMilli();
        assertThat(expires - kernel.clock().millis()).as("a day of grace by default").isBetween(86_300_000L, 86_400_000L);
        assertProblem(kernel.api().post(path, owner.token(), Map.of("grace_seconds", -1)), 400, "invalid_request");
        assertProblem(kernel.api().post(path, owner.token(), Map.of("grace_seconds", 1, "extra", 1)), 400, "invalid_request");
    }

    @Test
    void invalidEndpointRequestsAreRefused() {
        TestKernel.Owner owner = kernel.newOwner();
        assertProblem(kernel.api().post("/webhook-endpoints", owner.token(), Map.of()), 400, "invalid_request");
        assertProblem(kernel.api().post("/webhook-endpoints", owner.token(), Map.of("url", "ftp://example.org/x")), 400, "invalid_webhook_url");
        assertProblem(kernel.api().post("/webhook-endpoints", owner.token(), Map.of("url", "/relative")), 400, "invalid_webhook_url");
        assertProblem(kernel.api().post("/webhook-endpoints", owner.token(), Map.of("url", "https://user:pw@example.org/")), 400,
                "invalid_webhook_url");
        assertProblem(kernel.api().post("/webhook-endpoints", owner.token(), Map.of("url", "https://example.org", "secret", "mine")),
                400, "invalid_request");
        assertThat(kernel.api().get("/webhook-endpoints", owner.token()).json().get("items")).isEmpty();
    }

    @Test
    void theCallbackSecretIsTheOwnersCreatedOnFirstReadAndStable() {
        TestKernel.Owner owner = kernel.newOwner();
        TestKernel.Agent agent = kernel.newAgent(owner, "agent");
        HttpApi.Response first = kernel.api().get("/me/webhook-secret", agent.key());
        assertThat(first.status()).as(first.toString()).isEqualTo(200);
        assertThat(first.json().get("secret").asString()).startsWith("whsec_");
        assertThat(first.json().get("previous_secret_expires_at").isNull()).isTrue();
        assertThat(kernel.api().get("/me/webhook-secret", owner.token()).json().get("secret").asString())
                .isEqualTo(first.json().get("secret").asString());
        assertThat(kernel.api().get("/me/webhook-secret", kernel.newAgent().key()).json().get("secret").asString())
                .isNotEqualTo(first.json().get("secret").asString());
    }

    @Test
    void deliveriesAreVisibleToTheJobsCallerAndOwnerOnly() {
        try (Receiver receiver = Receiver.start()) {
            TestKernel.Owner owner = kernel.newOwner();
            TestKernel.Agent caller = kernel.newAgent(owner, "caller");
            TestKernel.Agent sibling = kernel.newAgent(owner, "sibling");
            String jobId = settledJob(kernel, caller, receiver.url("/scoped"));
            JsonNode delivery = awaitDelivery(kernel, caller.key(), jobId, d -> d.get("status").asString().equals("delivered"));
            assertThat(delivery.get("job_id").asString()).isEqualTo(jobId);
            assertThat(delivery.get("url").asString()).isEqualTo(receiver.url("/scoped"));
            assertThat(delivery.get("event_type").asString()).isEqualTo("job.settled");
            assertThat(WebhookTestKernel.deliveries(kernel, owner.token(), jobId)).hasSize(1);

            String path = "/kernel-jobs/" + jobId + "/deliveries";
            assertProblem(kernel.api().get(path, sibling.key()), 404, "not_found");
            assertProblem(kernel.api().get(path, kernel.newAgent().key()), 404, "not_found");
            assertProblem(kernel.api().get(path, kernel.newOwner().token()), 404, "not_found");
            assertProblem(kernel.api().get("/kernel-jobs/job_01JXKZ6Q4M3V8W2R5T7Y9B1C3D/deliveries", caller.key()), 404, "not_found");
            assertProblem(kernel.api().get(path, null), 401, "unauthenticated");
        }
    }
}
