package com.chaojiyuyan.kernel.webhooks;

import static com.chaojiyuyan.kernel.webhooks.WebhookTestKernel.awaitDelivery;
import static com.chaojiyuyan.kernel.webhooks.WebhookTestKernel.createEndpoint;
import static com.chaojiyuyan.kernel.webhooks.WebhookTestKernel.settledJob;
import static org.assertj.core.api.Assertions.assertThat;

import com.chaojiyuyan.kernel.testing.Db;
import com.chaojiyuyan.kernel.testing.TestClock;
import com.chaojiyuyan.kernel.testing.TestDatabases;
import com.chaojiyuyan.kernel.testing.TestKernel;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.Parameter;
import org.junit.jupiter.params.ParameterizedClass;
import org.junit.jupiter.params.provider.EnumSource;
import tools.jackson.databind.JsonNode;

/**
 * A target that keeps failing is retried with delays doubling up to a cap of hours, for about three days;
 * then the delivery fails for good and the endpoint is disabled. (A server of its own: the test moves
 * its clock by days.)
 */
@ParameterizedClass(name = "{0}")
@EnumSource(Db.class)
@Timeout(120)
class WebhookGiveUpTest {
    @Parameter
    Db db;

    @Test
    void anEndpointFailingForThreeDaysIsGivenUpOnAndDisabled() {
        try (Receiver receiver = Receiver.start().otherwiseAnswer(500);
             TestKernel kernel = TestKernel.startOn(TestDatabases.fresh(db), new TestClock(), WebhookTestKernel.ALLOW_PRIVATE)) {
            TestKernel.Owner owner = kernel.newOwner();
            // An agent key does not expire when the clock moves by days; a session would.
            TestKernel.Agent caller = kernel.newAgent(owner, "caller");
            String endpointId = createEndpoint(kernel, caller.key(), receiver.url("/down")).get("id").asString();
            String jobId = settledJob(kernel, caller, null);

            JsonNode delivery = awaitDelivery(kernel, caller.key(), jobId, d -> d.get("attempts").size() == 1);
            long longestDelay = 0;
            while (delivery.get("status").asString().equals("pending")) {
                int made = delivery.get("attempts").size();
                JsonNode last = delivery.get("attempts").get(made - 1);
                long delay = Instant.parse(delivery.get("next_attempt_at").asString()).toEpochMilli()
                        - Instant.parse(last.get("at").asString()).toEpochMilli() - last.get("duration_ms").asLong();
                longestDelay = Math.max(longestDelay, delay);
                kernel.clock().advance(Duration.ofMillis(delay + 1_000));
                delivery = awaitDelivery(kernel, caller.key(), jobId, d -> d.get("attempts").size() == made + 1);
            }
            assertThat(delivery.get("status").asString()).isEqualTo("failed");
            assertThat(longestDelay).as("capped at four hours, plus jitter")
                    .isBetween(Duration.ofHours(4).toMillis(), Duration.ofHours(5).toMillis() + 2_000);
            long span = Instant.parse(delivery.get("finished_at").asString()).toEpochMilli()
                    - Instant.parse(delivery.get("created_at").asString()).toEpochMilli();
            assertThat(span).as("given up after about three days").isBetween(Duration.ofHours(66).toMillis(), Duration.ofDays(3).toMillis());
            assertThat(receiver.requests()).hasSize(delivery.get("attempts").size());

            JsonNode endpoint = kernel.api().get("/webhook-endpoints", caller.key()).json().get("items").get(0);
            assertThat(endpoint.get("id").asString()).isEqualTo(endpointId);
            assertThat(endpoint.get("status").asString()).isEqualTo("disabled");
            assertThat(endpoint.get("disabled_reason").asString()).contains("3 days");
            assertThat(kernel.eventTypes(caller, jobId)).last().isEqualTo("webhook_failed");
        }
    }
}
