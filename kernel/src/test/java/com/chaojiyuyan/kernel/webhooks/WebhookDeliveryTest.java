package com.chaojiyuyan.kernel.webhooks;

import static com.chaojiyuyan.kernel.webhooks.WebhookTestKernel.awaitDelivery;
import static com.chaojiyuyan.kernel.webhooks.WebhookTestKernel.createEndpoint;
import static com.chaojiyuyan.kernel.webhooks.WebhookTestKernel.ownerSecret;
import static com.chaojiyuyan.kernel.webhooks.WebhookTestKernel.settledJob;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.chaojiyuyan.kernel.testing.TestKernel;
import com.standardwebhooks.Webhook;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

/**
 * When a job settles, its callback_url and each active endpoint of its owner receive one signed
 * {@code job.settled} POST, verifiable by both schemes, and the job records it.
 */
class WebhookDeliveryTest extends WebhookContractTest {

    @Test
    void theCallbackUrlReceivesTheSettlementOnceSignedBothWays() throws Exception {
        try (Receiver receiver = Receiver.start()) {
            TestKernel.Owner owner = kernel.newOwner();
            TestKernel.Agent caller = kernel.newAgent(owner, "caller");
            String secret = ownerSecret(kernel, caller.key());
            String capability = kernel.newCapability();
            TestKernel.Agent worker = kernel.newWorker(capability);
            String jobId = kernel.api().post("/kernel-jobs", caller.key(), Map.of("capability_key", capability,
                    "input", Map.of("text", "hi"), "callback_url", receiver.url("/hook"))).json().get("id").asString();
            String run = kernel.bidAccepted(worker, jobId).get("task_run_id").asString();
            assertThat(kernel.submit(worker, jobId, run, Map.of("echo", "hi")).status()).isEqualTo(200);

            JsonNode delivery = awaitDelivery(kernel, caller.key(), jobId, d -> d.get("status").asString().equals("delivered"));
            assertThat(receiver.requests()).hasSize(1);
            Receiver.Request got = receiver.requests().get(0);
            assertThat(got.path()).isEqualTo("/hook");
            JsonNode event = got.json();
            assertThat(event.get("type").asString()).isEqualTo("job.settled");
            assertThat(event.get("id").asString()).isEqualTo(delivery.get("id").asString()).isEqualTo(got.header("webhook-id"));
            assertThat(event.get("job_id").asString()).isEqualTo(jobId);
            assertThat(event.get("data").get("id").asString()).isEqualTo(jobId);
            assertThat(event.get("data").get("status").asString()).isEqualTo("succeeded");
            assertThat(event.get("data").get("output").get("echo").asString()).isEqualTo("hi");

            // The seed's scheme: hex HMAC keyed with the secret string's UTF-8 bytes, over the raw body.
            assertThat(got.header("X-Kernel-Signature")).isEqualTo(WebhookSignatures.kernelSignature(secret, got.body()));
            // Standard Webhooks, checked by its reference library.
            assertThat(got.header("webhook-signature")).doesNotContain(" ");
            assertThat(got.header("webhook-signature")).isEqualTo(new Webhook(secret).sign(
                    got.header("webhook-id"), Long.parseLong(got.header("webhook-timestamp")), got.text()));

            assertThat(delivery.get("endpoint_id").isNull()).isTrue();
            assertThat(delivery.get("attempts")).hasSize(1);
            assertThat(delivery.get("attempts").get(0).get("status_code").asInt()).isEqualTo(200);
            assertThat(delivery.get("attempts").get(0).get("error").isNull()).isTrue();
            assertThat(kernel.eventTypes(caller, jobId)).endsWith("settled", "webhook_delivered");

            // Later rounds do not send it again: a later settlement arrives, and the first was still sent once.
            kernel.clock().advance(Duration.ofHours(1));
            settledJob(kernel, caller, receiver.url("/later"));
            await().atMost(Duration.ofSeconds(30)).until(() -> receiver.requestsTo("/later").size() == 1);
            assertThat(receiver.requestsTo("/hook")).hasSize(1);
        }
    }

    /**
     * The payload is the job as its caller sees it at settlement, read inside the settling transaction,
     * so the artifacts written by that same submit are in it (another connection would not see them yet).
     */
    @Test
    void theSettlementPayloadListsTheArtifactsOfTheSubmitThatSettledIt() {
        try (Receiver receiver = Receiver.start()) {
            TestKernel.Agent caller = kernel.newAgent();
            String capability = kernel.newCapability();
            TestKernel.Agent worker = kernel.newWorker(capability);
            String jobId = kernel.api().post("/kernel-jobs", caller.key(), Map.of("capability_key", capability,
                    "input", Map.of("text", "files"), "callback_url", receiver.url("/files"))).json().get("id").asString();
            String run = kernel.bidAccepted(worker, jobId).get("task_run_id").asString();
            byte[] bytes = {1, 2, 3, 4};
            var submitted = kernel.api().post("/kernel-jobs/" + jobId + "/submit", worker.key(), Map.of(
                    "task_run_id", run, "output", Map.of("echo", "files"),
                    "artifacts", java.util.List.of(Map.of("name", "out.bin", "content_type", "application/octet-stream",
                            "data_base64", java.util.Base64.getEncoder().encodeToString(bytes)))));
            assertThat(submitted.status()).as(submitted.toString()).isEqualTo(200);

            await().atMost(Duration.ofSeconds(30)).until(() -> receiver.requestsTo("/files").size() == 1);
            JsonNode listed = receiver.requestsTo("/files").get(0).json().get("data").get("artifacts");
            assertThat(listed).hasSize(1);
            assertThat(listed.get(0).get("name").asString()).isEqualTo("out.bin");
            assertThat(listed.get(0).get("size_bytes").asLong()).isEqualTo(4);
            assertThat(listed.get(0).get("url").asString()).endsWith("/kernel-jobs/" + jobId + "/artifacts/"
                    + listed.get(0).get("id").asString());
        }
    }

    @Test
    void everyActiveEndpointOfTheOwnerReceivesItsOwnSignedDelivery() {
        try (Receiver receiver = Receiver.start()) {
            TestKernel.Owner owner = kernel.newOwner();
            TestKernel.Agent caller = kernel.newAgent(owner, "caller");
            JsonNode first = createEndpoint(kernel, owner.token(), receiver.url("/first"));
            JsonNode second = createEndpoint(kernel, caller.key(), receiver.url("/second"));
            TestKernel.Agent stranger = kernel.newAgent();
            createEndpoint(kernel, stranger.key(), receiver.url("/stranger"));

            String jobId = settledJob(kernel, caller, null);
            await().atMost(Duration.ofSeconds(30)).until(() -> receiver.requests().size() >= 2
                    && WebhookTestKernel.deliveries(kernel, caller.key(), jobId).valueStream()
                    .allMatch(d -> d.get("status").asString().equals("delivered")));
            Receiver.Request toFirst = receiver.requestsTo("/first").get(0);
            Receiver.Request toSecond = receiver.requestsTo("/second").get(0);
            assertThat(toFirst.header("X-Kernel-Signature"))
                    .isEqualTo(WebhookSignatures.kernelSignature(first.get("secret").asString(), toFirst.body()));
            assertThat(toSecond.header("X-Kernel-Signature"))
                    .isEqualTo(WebhookSignatures.kernelSignature(second.get("secret").asString(), toSecond.body()));
            assertThat(toFirst.header("webhook-id")).isNotEqualTo(toSecond.header("webhook-id"));
            assertThat(toFirst.json().get("data").get("status").asString()).isEqualTo("cancelled");
            assertThat(receiver.requestsTo("/stranger")).isEmpty();
            assertThat(WebhookTestKernel.deliveries(kernel, owner.token(), jobId).valueStream()
                    .map(d -> d.get("endpoint_id").asString()).toList())
                    .containsExactlyInAnyOrder(first.get("id").asString(), second.get("id").asString());
        }
    }

    @Test
    void aJobWithoutTargetsHasNoDeliveries() {
        TestKernel.Agent caller = kernel.newAgent();
        String jobId = settledJob(kernel, caller, null);
        assertThat(WebhookTestKernel.deliveries(kernel, caller.key(), jobId)).isEmpty();
        assertThat(kernel.eventTypes(caller, jobId)).last().isEqualTo("settled");
    }
}
