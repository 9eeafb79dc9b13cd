package com.chaojiyuyan.kernel.webhooks;

import static org.assertj.core.api.Assertions.assertThat;

import com.chaojiyuyan.kernel.testing.HttpApi;
import com.chaojiyuyan.kernel.testing.TestClock;
import com.chaojiyuyan.kernel.testing.TestDatabases;
import com.chaojiyuyan.kernel.testing.TestKernel;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Two nodes on one PostgreSQL database both run the delivery loop: every settlement's webhook is sent
 * by one of them, exactly once (SQLite serves one node only).
 */
@Timeout(120)
class WebhookTwoNodeTest {

    @Test
    void twoNodesDeliverEachWebhookOnce() {
        TestDatabases.requirePostgres();
        String database = TestDatabases.freshPostgres();
        try (Receiver receiver = Receiver.start();
             TestKernel first = TestKernel.startOn(database, new TestClock(), WebhookTestKernel.ALLOW_PRIVATE);
             TestKernel second = TestKernel.startOn(database, new TestClock(), WebhookTestKernel.ALLOW_PRIVATE)) {
            TestKernel.Owner owner = first.newOwner();
            TestKernel.Agent caller = first.newAgent(owner, "caller");
            WebhookTestKernel.createEndpoint(first, owner.token(), receiver.url("/endpoint"));
            List<String> jobs = new ArrayList<>();
            for (int i = 0; i < 20; i++) {
                // Settled on alternating nodes, so each node's wake-up and both nodes' ticks compete.
                TestKernel node = i % 2 == 0 ? first : second;
                jobs.add(WebhookTestKernel.settledJob(node, caller, receiver.url("/callback")));
            }
            Awaitility.await().atMost(Duration.ofSeconds(60)).until(() -> jobs.stream().allMatch(job ->
                    WebhookTestKernel.deliveries(second, caller.key(), job).valueStream()
                            .filter(d -> d.get("status").asString().equals("delivered")).count() == 2));
            assertThat(receiver.requestsTo("/callback")).hasSize(20);
            assertThat(receiver.requestsTo("/endpoint")).hasSize(20);
            assertThat(receiver.requests().stream().map(r -> r.header("webhook-id")).distinct()).hasSize(40);
            for (String job : jobs) {
                HttpApi.Response events = first.api().get("/kernel-jobs/" + job + "/events", caller.key());
                assertThat(events.json().get("items").valueStream().filter(e -> e.get("type").asString()
                        .equals("webhook_delivered"))).hasSize(2);
                WebhookTestKernel.deliveries(first, caller.key(), job).forEach(d -> assertThat(d.get("attempts")).hasSize(1));
            }
        }
    }
}
