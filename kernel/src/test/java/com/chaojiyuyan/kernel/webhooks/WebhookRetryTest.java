package com.chaojiyuyan.kernel.webhooks;

import static com.chaojiyuyan.kernel.webhooks.WebhookTestKernel.awaitDelivery;
import static com.chaojiyuyan.kernel.webhooks.WebhookTestKernel.createEndpoint;
import static com.chaojiyuyan.kernel.webhooks.WebhookTestKernel.settledJob;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.chaojiyuyan.kernel.testing.HttpApi;
import com.chaojiyuyan.kernel.testing.TestKernel;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

/**
 * A failed attempt is retried with exponential backoff (5 s, then 10 s, ... on the kernel's clock, so the
 * test moves the clock instead of waiting) until a 2xx; redirects are failures, never followed; a 410
 * ends the delivery and disables the endpoint; and each attempt is recorded.
 */
class WebhookRetryTest extends WebhookContractTest {

    @Test
    void aFailedDeliveryIsRetriedWithBackoffAndStopsAfterA2xx() {
        try (Receiver receiver = Receiver.start().thenAnswer(500).thenAnswer(503)) {
            TestKernel.Agent caller = kernel.newAgent();
            String jobId = settledJob(kernel, caller, receiver.url("/flaky"));

            JsonNode first = awaitDelivery(kernel, caller.key(), jobId, d -> d.get("attempt_count").asInt() == 1
                    && d.get("attempts").size() == 1);
            assertThat(first.get("status").asString()).isEqualTo("pending");
            assertThat(first.get("last_status_code").asInt()).isEqualTo(500);
            // The first retry is due after the base delay (5 s), stretched by at most 25% of jitter.
            long firstAt = java.time.Instant.parse(first.get("attempts").get(0).get("at").asString()).toEpochMilli();
            long nextAt = java.time.Instant.parse(first.get("next_attempt_at").asString()).toEpochMilli();
            long firstTook = first.get("attempts").get(0).get("duration_ms").asLong();
            assertThat(nextAt - firstAt - firstTook).isBetween(5_000L, 6_250L + 2_000L);
            assertThat(receiver.requests()).hasSize(1);

            kernel.clock().advance(Duration.ofSeconds(7));
            JsonNode second = awaitDelivery(kernel, caller.key(), jobId, d -> d.get("attempts").size() == 2);
            assertThat(second.get("status").asString()).isEqualTo("pending");
            long secondAt = java.time.Instant.parse(second.get("attempts").get(1).get("at").asString()).toEpochMilli();
            long thirdDue = java.time.Instant.parse(second.get("next_attempt_at").asString()).toEpochMilli();
            long secondTook = second.get("attempts").get(1).get("duration_ms").asLong();
            assertThat(thirdDue - secondAt - secondTook).as("the delay doubles").isBetween(10_000L, 12_500L + 2_000L);

            kernel.clock().advance(Duration.ofSeconds(14));
            JsonNode done = awaitDelivery(kernel, caller.key(), jobId, d -> d.get("status").asString().equals("delivered"));
            assertThat(done.get("attempts").valueStream().map(a -> a.get("status_code").asInt()).toList())
                    .containsExactly(500, 503, 200);
            assertThat(done.get("attempts").get(0).get("error").asString()).isEqualTo("HTTP 500");
            assertThat(done.get("attempt_count").asInt()).isEqualTo(3);
            assertThat(done.get("next_attempt_at").isNull()).isTrue();
            // Every attempt carried the same event: same id, same body.
            List<Receiver.Request> got = receiver.requestsTo("/flaky");
            assertThat(got).hasSize(3);
            assertThat(got.stream().map(Receiver.Request::text).distinct()).hasSize(1);
            assertThat(got.stream().map(r -> r.header("webhook-id")).distinct()).hasSize(1);

            // Nothing more after the 2xx, however much time passes: a later delivery arrives, this one does not again.
            kernel.clock().advance(Duration.ofHours(6)); // past the longest backoff; under a day, so sessions stay valid
            settledJob(kernel, caller, receiver.url("/later"));
            await().atMost(Duration.ofSeconds(30)).until(() -> receiver.requestsTo("/later").size() == 1);
            assertThat(receiver.requestsTo("/flaky")).hasSize(3);
            assertThat(kernel.eventTypes(caller, jobId)).containsOnlyOnce("webhook_delivered").doesNotContain("webhook_failed");
        }
    }

    @Test
    void aRedirectIsAFailedAttemptAndIsNotFollowed() {
        try (Receiver receiver = Receiver.start()) {
            receiver.thenRedirect(302, receiver.url("/elsewhere")).thenRedirect(307, receiver.url("/elsewhere"));
            TestKernel.Agent caller = kernel.newAgent();
            String jobId = settledJob(kernel, caller, receiver.url("/moved"));
            JsonNode delivery = awaitDelivery(kernel, caller.key(), jobId, d -> d.get("attempts").size() == 1);
            assertThat(delivery.get("status").asString()).isEqualTo("pending");
            assertThat(delivery.get("last_status_code").asInt()).isEqualTo(302);
            assertThat(delivery.get("last_error").asString()).contains("redirect not followed");
            kernel.clock().advance(Duration.ofSeconds(7));
            awaitDelivery(kernel, caller.key(), jobId, d -> d.get("attempts").size() == 2);
            assertThat(receiver.requestsTo("/moved")).hasSize(2);
            assertThat(receiver.requestsTo("/elsewhere")).isEmpty();
        }
    }

    @Test
    void a410EndsTheDeliveryAndDisablesTheEndpoint() {
        try (Receiver receiver = Receiver.start().thenAnswer(410)) {
            TestKernel.Owner owner = kernel.newOwner();
            TestKernel.Agent caller = kernel.newAgent(owner, "caller");
            String endpointId = createEndpoint(kernel, owner.token(), receiver.url("/gone")).get("id").asString();
            String jobId = settledJob(kernel, caller, null);
            JsonNode delivery = awaitDelivery(kernel, caller.key(), jobId, d -> d.get("status").asString().equals("failed"));
            assertThat(delivery.get("last_status_code").asInt()).isEqualTo(410);
            assertThat(delivery.get("attempts")).hasSize(1);
            assertThat(delivery.get("next_attempt_at").isNull()).isTrue();
            await().atMost(Duration.ofSeconds(10)).until(() -> kernel.eventTypes(caller, jobId).contains("webhook_failed"));

            HttpApi.Response endpoints = kernel.api().get("/webhook-endpoints", owner.token());
            JsonNode endpoint = endpoints.json().get("items").get(0);
            assertThat(endpoint.get("id").asString()).isEqualTo(endpointId);
            assertThat(endpoint.get("status").asString()).isEqualTo("disabled");
            assertThat(endpoint.get("disabled_reason").asString()).contains("410");

            // A disabled endpoint gets no deliveries for later settlements, and no retry of this one.
            String later = settledJob(kernel, caller, null);
            assertThat(WebhookTestKernel.deliveries(kernel, caller.key(), later)).isEmpty();
            kernel.clock().advance(Duration.ofHours(1));
            String marker = settledJob(kernel, caller, receiver.url("/marker"));
            await().atMost(Duration.ofSeconds(30)).until(() -> receiver.requestsTo("/marker").size() == 1);
            assertThat(WebhookTestKernel.deliveries(kernel, caller.key(), marker)).hasSize(1);
            assertThat(receiver.requestsTo("/gone")).hasSize(1);
        }
    }

    @Test
    void aDeletedEndpointsPendingDeliveryIsDroppedNotRetried() {
        try (Receiver receiver = Receiver.start().thenAnswer(500)) {
            TestKernel.Owner owner = kernel.newOwner();
            TestKernel.Agent caller = kernel.newAgent(owner, "caller");
            String endpointId = createEndpoint(kernel, owner.token(), receiver.url("/removed")).get("id").asString();
            String jobId = settledJob(kernel, caller, null);
            awaitDelivery(kernel, caller.key(), jobId, d -> d.get("attempts").size() == 1);
            assertThat(kernel.api().delete("/webhook-endpoints/" + endpointId, owner.token()).status()).isEqualTo(204);

            kernel.clock().advance(Duration.ofSeconds(7));
            JsonNode dropped = awaitDelivery(kernel, caller.key(), jobId, d -> d.get("status").asString().equals("failed"));
            assertThat(dropped.get("last_error").asString()).contains("deleted");
            assertThat(dropped.get("attempts")).hasSize(2);
            assertThat(dropped.get("attempts").get(1).get("status_code").isNull()).isTrue();
            assertThat(receiver.requestsTo("/removed")).hasSize(1);
        }
    }
}
