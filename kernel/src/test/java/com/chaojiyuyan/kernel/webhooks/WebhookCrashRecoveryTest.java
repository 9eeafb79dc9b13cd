package com.chaojiyuyan.kernel.webhooks;

import static com.chaojiyuyan.kernel.webhooks.WebhookTestKernel.awaitDelivery;
import static com.chaojiyuyan.kernel.webhooks.WebhookTestKernel.ownerSecret;
import static org.assertj.core.api.Assertions.assertThat;

import com.chaojiyuyan.kernel.testing.Db;
import com.chaojiyuyan.kernel.testing.HttpApi;
import com.chaojiyuyan.kernel.testing.TestClock;
import com.chaojiyuyan.kernel.testing.TestDatabases;
import com.chaojiyuyan.kernel.testing.TestKernel;
import com.standardwebhooks.Webhook;
import java.io.IOException;
import java.net.ServerSocket;
import java.time.Duration;
import java.util.Map;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.Parameter;
import org.junit.jupiter.params.ParameterizedClass;
import org.junit.jupiter.params.provider.EnumSource;
import tools.jackson.databind.JsonNode;

/**
 * The outbox is written with the settlement, so a server that stops between a job's settlement and its
 * webhook's delivery loses nothing: the next server on the same database sends it.
 */
@ParameterizedClass(name = "{0}")
@EnumSource(Db.class)
@Timeout(120)
class WebhookCrashRecoveryTest {
    @Parameter
    Db db;

    @Test
    void aSettlementWhoseWebhookWasNotYetDeliveredIsDeliveredByTheNextServer() throws Exception {
        String database = TestDatabases.fresh(db);
        int port = freePort();
        String url = "http://127.0.0.1:" + port + "/after-restart";
        String jobId;
        String callerKey;
        String secret;
        TestKernel before = TestKernel.startOn(database, new TestClock(), WebhookTestKernel.ALLOW_PRIVATE);
        try {
            TestKernel.Agent caller = before.newAgent();
            callerKey = caller.key();
            secret = ownerSecret(before, caller.key());
            // The receiver is down: the settlement commits, its delivery cannot be made yet.
            jobId = WebhookTestKernel.settledJob(before, caller, url);
            JsonNode failed = awaitDelivery(before, caller.key(), jobId, d -> d.get("attempts").size() == 1);
            assertThat(failed.get("status").asString()).isEqualTo("pending");
            assertThat(failed.get("attempts").get(0).get("status_code").isNull()).isTrue();
        } finally {
            before.close();
        }

        try (Receiver receiver = Receiver.start(port);
             TestKernel after = TestKernel.startOn(database, new TestClock(), WebhookTestKernel.ALLOW_PRIVATE)) {
            after.clock().advance(Duration.ofSeconds(10)); // past the first retry's backoff
            Awaitility.await().atMost(Duration.ofSeconds(30)).until(() -> receiver.requests().size() == 1);
            Receiver.Request got = receiver.requests().get(0);
            assertThat(got.json().get("data").get("id").asString()).isEqualTo(jobId);
            // The Standard Webhooks reference library verifies the delivery as a receiver would, timestamp included.
            new Webhook(secret).verify(got.text(), Map.of("webhook-id", java.util.List.of(got.header("webhook-id")),
                    "webhook-timestamp", java.util.List.of(got.header("webhook-timestamp")),
                    "webhook-signature", java.util.List.of(got.header("webhook-signature"))));
            assertThat(got.header("X-Kernel-Signature")).isEqualTo(WebhookSignatures.kernelSignature(secret, got.body()));

            JsonNode delivered = awaitDelivery(after, callerKey, jobId, d -> d.get("status").asString().equals("delivered"));
            assertThat(delivered.get("attempts")).hasSize(2);
            HttpApi.Response events = after.api().get("/kernel-jobs/" + jobId + "/events", callerKey);
            assertThat(events.json().get("items").valueStream().map(e -> e.get("type").asString()))
                    .containsOnlyOnce("webhook_delivered");
            assertThat(receiver.requests()).hasSize(1);
        }
    }

    private static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            return socket.getLocalPort();
        }
    }
}
