package com.chaojiyuyan.kernel.webhooks;

import static com.chaojiyuyan.kernel.webhooks.WebhookTestKernel.awaitDelivery;
import static com.chaojiyuyan.kernel.webhooks.WebhookTestKernel.createEndpoint;
import static com.chaojiyuyan.kernel.webhooks.WebhookTestKernel.ownerSecret;
import static com.chaojiyuyan.kernel.webhooks.WebhookTestKernel.settledJob;
import static org.assertj.core.api.Assertions.assertThat;

import com.chaojiyuyan.kernel.testing.HttpApi;
import com.chaojiyuyan.kernel.testing.TestKernel;
import com.standardwebhooks.Webhook;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

/**
 * After a rotation, deliveries carry one {@code v1,} entry per live secret (the new one, and the old one
 * until its grace period ends), so receivers can switch secrets without losing a webhook;
 * {@code X-Kernel-Signature} always uses the current secret.
 */
class WebhookSecretRotationTest extends WebhookContractTest {

    @Test
    void anEndpointsRotatedSecretSignsAlongsideTheNewOneUntilItsGraceEnds() {
        try (Receiver receiver = Receiver.start()) {
            TestKernel.Owner owner = kernel.newOwner();
            TestKernel.Agent caller = kernel.newAgent(owner, "caller");
            JsonNode endpoint = createEndpoint(kernel, owner.token(), receiver.url("/rotating"));
            String old = endpoint.get("secret").asString();
            HttpApi.Response rotated = kernel.api().post("/webhook-endpoints/" + endpoint.get("id").asString() + "/rotate",
                    owner.token(), Map.of("grace_seconds", 3600));
            assertThat(rotated.status()).as(rotated.toString()).isEqualTo(200);
            String fresh = rotated.json().get("secret").asString();
            assertThat(fresh).startsWith("whsec_").isNotEqualTo(old);
            Instant graceEnds = Instant.parse(rotated.json().get("previous_secret_expires_at").asString());
            assertThat(graceEnds).isBetween(Instant.ofEpochMilli(kernel.clock().millis()).plusSeconds(3590),
                    Instant.ofEpochMilli(kernel.clock().millis()).plusSeconds(3600));

            Receiver.Request during = deliveredTo(receiver, caller, "/rotating", 1);
            assertThat(entries(during)).containsExactly(sign(fresh, during), sign(old, during));
            assertThat(during.header("X-Kernel-Signature")).isEqualTo(WebhookSignatures.kernelSignature(fresh, during.body()));

            kernel.clock().advance(Duration.ofSeconds(3601));
            Receiver.Request after = deliveredTo(receiver, caller, "/rotating", 2);
            assertThat(entries(after)).containsExactly(sign(fresh, after));
            JsonNode listed = kernel.api().get("/webhook-endpoints", owner.token()).json().get("items").get(0);
            assertThat(listed.get("previous_secret_expires_at").asString()).isEqualTo(graceEnds.toString());
        }
    }

    @Test
    void theCallbackSecretRotatesTheSameWayAndAZeroGraceEndsTheOldSecretAtOnce() {
        try (Receiver receiver = Receiver.start()) {
            TestKernel.Owner owner = kernel.newOwner();
            TestKernel.Agent caller = kernel.newAgent(owner, "caller");
            String old = ownerSecret(kernel, caller.key());
            HttpApi.Response rotated = kernel.api().post("/me/webhook-secret/rotate", owner.token(), Map.of("grace_seconds", 600));
            assertThat(rotated.status()).as(rotated.toString()).isEqualTo(200);
            String fresh = rotated.json().get("secret").asString();
            HttpApi.Response read = kernel.api().get("/me/webhook-secret", caller.key());
            assertThat(read.json().get("secret").asString()).isEqualTo(fresh);
            assertThat(read.json().get("previous_secret_expires_at").asString())
                    .isEqualTo(rotated.json().get("previous_secret_expires_at").asString());

            String jobId = settledJob(kernel, caller, receiver.url("/callback"));
            awaitDelivery(kernel, caller.key(), jobId, d -> d.get("status").asString().equals("delivered"));
            Receiver.Request during = receiver.requestsTo("/callback").get(0);
            assertThat(entries(during)).containsExactly(sign(fresh, during), sign(old, during));

            HttpApi.Response again = kernel.api().post("/me/webhook-secret/rotate", caller.key(), Map.of("grace_seconds", 0));
            assertThat(again.status()).as(again.toString()).isEqualTo(200);
            assertThat(again.json().get("previous_secret_expires_at").isNull()).isTrue();
            String newest = again.json().get("secret").asString();
            String second = settledJob(kernel, caller, receiver.url("/callback"));
            awaitDelivery(kernel, caller.key(), second, d -> d.get("status").asString().equals("delivered"));
            Receiver.Request afterwards = receiver.requestsTo("/callback").get(1);
            assertThat(entries(afterwards)).containsExactly(sign(newest, afterwards));
        }
    }

    private static Receiver.Request deliveredTo(Receiver receiver, TestKernel.Agent caller, String path, int count) {
        String jobId = settledJob(kernel, caller, null);
        awaitDelivery(kernel, caller.key(), jobId, d -> d.get("status").asString().equals("delivered"));
        List<Receiver.Request> got = receiver.requestsTo(path);
        assertThat(got).hasSize(count);
        return got.get(count - 1);
    }

    private static List<String> entries(Receiver.Request r) {
        return List.of(r.header("webhook-signature").split(" "));
    }

    /** The entry the Standard Webhooks reference library computes for this secret and request. */
    private static String sign(String secret, Receiver.Request r) {
        try {
            return new Webhook(secret).sign(r.header("webhook-id"), Long.parseLong(r.header("webhook-timestamp")), r.text());
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }
}
