package com.chaojiyuyan.kernel.webhooks;

import static com.chaojiyuyan.kernel.testing.ProblemJson.assertProblem;
import static com.chaojiyuyan.kernel.webhooks.WebhookTestKernel.awaitDelivery;
import static com.chaojiyuyan.kernel.webhooks.WebhookTestKernel.settledJob;
import static org.assertj.core.api.Assertions.assertThat;

import com.chaojiyuyan.kernel.testing.ContractTest;
import com.chaojiyuyan.kernel.testing.HttpApi;
import com.chaojiyuyan.kernel.testing.TestClock;
import com.chaojiyuyan.kernel.testing.TestDatabases;
import com.chaojiyuyan.kernel.testing.TestKernel;
import java.time.Duration;
import java.util.Map;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import tools.jackson.databind.JsonNode;

/**
 * Without {@code CHAOJIYUYAN_WEBHOOK_ALLOW_PRIVATE} (this server has its default, false), webhooks never
 * reach private, loopback or link-local addresses: a literal one is refused when registered, and a name
 * resolving to one is refused at delivery, before anything is sent.
 */
class PrivateTargetTest extends ContractTest {

    @ParameterizedTest
    @ValueSource(strings = {"http://127.0.0.1:8080/hook", "http://127.1.2.3/", "http://10.0.0.8/hook", "http://192.168.1.1/",
            "http://172.16.0.1/", "http://169.254.169.254/latest/meta-data/", "http://0.0.0.0:80/", "http://[::1]:8080/",
            "http://[fe80::1]/", "http://[fd00::1]/", "http://[::ffff:127.0.0.1]/", "http://100.64.0.1/", "http://224.0.0.1/"})
    void anEndpointAtALiteralPrivateAddressIsRefused(String url) {
        TestKernel.Owner owner = kernel.newOwner();
        assertProblem(kernel.api().post("/webhook-endpoints", owner.token(), Map.of("url", url)), 422, "webhook_target_refused");
        assertThat(kernel.api().get("/webhook-endpoints", owner.token()).json().get("items")).isEmpty();
    }

    @ParameterizedTest
    @ValueSource(strings = {"http://127.0.0.1:9/hook", "http://[::1]/", "http://169.254.169.254/", "http://10.1.2.3/"})
    void aJobsCallbackUrlAtALiteralPrivateAddressIsRefused(String url) {
        TestKernel.Agent caller = kernel.newAgent();
        assertProblem(kernel.api().post("/kernel-jobs", caller.key(), Map.of("capability_key", "test.echo.v1",
                "input", Map.of("text", "hi"), "callback_url", url)), 422, "webhook_target_refused");
        HttpApi.Response jobs = kernel.api().get("/kernel-jobs", caller.key());
        assertThat(jobs.json().get("items")).isEmpty();
    }

    @Test
    void aPublicAddressIsAccepted() {
        TestKernel.Owner owner = kernel.newOwner();
        HttpApi.Response r = kernel.api().post("/webhook-endpoints", owner.token(), Map.of("url", "https://93.184.215.14/hook"));
        assertThat(r.status()).as(r.toString()).isEqualTo(201);
    }

    @Test
    void aNameThatResolvesToLoopbackIsRefusedAtDeliveryAndNothingIsSent() {
        try (Receiver receiver = Receiver.start()) {
            TestKernel.Owner owner = kernel.newOwner();
            TestKernel.Agent caller = kernel.newAgent(owner, "caller");
            String url = "http://localhost:" + receiver.port() + "/internal";
            // A name is not resolved when registered: its address may differ by the time a job settles.
            HttpApi.Response endpoint = kernel.api().post("/webhook-endpoints", owner.token(), Map.of("url", url));
            assertThat(endpoint.status()).as(endpoint.toString()).isEqualTo(201);
            String jobId = settledJob(kernel, caller, url);

            Awaitility.await().atMost(Duration.ofSeconds(30)).until(() -> WebhookTestKernel.deliveries(kernel, caller.key(), jobId)
                    .valueStream().filter(d -> d.get("status").asString().equals("failed")).count() == 2);
            for (JsonNode d : WebhookTestKernel.deliveries(kernel, caller.key(), jobId)) {
                assertThat(d.get("last_error").asString()).contains("resolves to").contains("loopback");
                assertThat(d.get("last_status_code").isNull()).isTrue();
                assertThat(d.get("attempts")).hasSize(1);
            }
            assertThat(kernel.eventTypes(caller, jobId)).containsSequence("webhook_failed", "webhook_failed");
            assertThat(receiver.requests()).isEmpty();
        }
    }

    @Test
    void theSameTargetIsDeliveredToWhenTheServerAllowsPrivateAddresses() {
        // A server of its own: a second node on this database would deliver with the other setting.
        try (Receiver receiver = Receiver.start();
             TestKernel allowing = TestKernel.startOn(TestDatabases.fresh(db), new TestClock(),
                     WebhookTestKernel.ALLOW_PRIVATE)) {
            TestKernel.Agent caller = allowing.newAgent();
            String jobId = settledJob(allowing, caller, "http://localhost:" + receiver.port() + "/internal");
            awaitDelivery(allowing, caller.key(), jobId, d -> d.get("status").asString().equals("delivered"));
            assertThat(receiver.requests()).hasSize(1);
        }
    }
}
