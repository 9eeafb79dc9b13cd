package com.chaojiyuyan.kernel.webhooks;

import static org.assertj.core.api.Assertions.assertThat;

import com.chaojiyuyan.kernel.testing.HttpApi;
import com.chaojiyuyan.kernel.testing.TestKernel;
import java.time.Duration;
import java.util.Map;
import java.util.function.Predicate;
import org.awaitility.Awaitility;
import tools.jackson.databind.JsonNode;

/** What the webhook tests share: the settings that let a kernel send to loopback, and small steps. */
final class WebhookTestKernel {
    /** A fixed key, so a kernel restarted on the same database opens the secrets the first one sealed. */
    static final String SECRET_KEY = "q83vEjRWeJq83vEjRWeJq83vEjRWeJq83vEjRWeJq80=";
    static final Map<String, String> ALLOW_PRIVATE = Map.of(
            "CHAOJIYUYAN_WEBHOOK_ALLOW_PRIVATE", "true",
            "CHAOJIYUYAN_SECRET_KEY", SECRET_KEY);

    private WebhookTestKernel() {
    }

    /** Creates a job with a callback URL and cancels it: the quickest way to settle one. */
    static String settledJob(TestKernel kernel, TestKernel.Agent caller, String callbackUrl) {
        Map<String, Object> body = callbackUrl == null
                ? Map.of("capability_key", "test.echo.v1", "input", Map.of("text", "hi"))
                : Map.of("capability_key", "test.echo.v1", "input", Map.of("text", "hi"), "callback_url", callbackUrl);
        HttpApi.Response created = kernel.api().post("/kernel-jobs", caller.key(), body);
        assertThat(created.status()).as(created.toString()).isEqualTo(201);
        String jobId = created.json().get("id").asString();
        HttpApi.Response cancelled = kernel.api().post("/kernel-jobs/" + jobId + "/cancel", caller.key(), null);
        assertThat(cancelled.status()).as(cancelled.toString()).isEqualTo(200);
        return jobId;
    }

    static JsonNode deliveries(TestKernel kernel, String token, String jobId) {
        HttpApi.Response r = kernel.api().get("/kernel-jobs/" + jobId + "/deliveries", token);
        assertThat(r.status()).as(r.toString()).isEqualTo(200);
        return r.json().get("items");
    }

    /** Waits until the job's only delivery matches {@code condition}; answers it. */
    static JsonNode awaitDelivery(TestKernel kernel, String token, String jobId, Predicate<JsonNode> condition) {
        JsonNode[] found = new JsonNode[1];
        Awaitility.await().atMost(Duration.ofSeconds(30)).until(() -> {
            JsonNode items = deliveries(kernel, token, jobId);
            if (items.size() == 1 && condition.test(items.get(0))) {
                found[0] = items.get(0);
                return true;
            }
            return false;
        });
        return found[0];
    }

    static String ownerSecret(TestKernel kernel, String token) {
        HttpApi.Response r = kernel.api().get("/me/webhook-secret", token);
        assertThat(r.status()).as(r.toString()).isEqualTo(200);
        return r.json().get("secret").asString();
    }

    static JsonNode createEndpoint(TestKernel kernel, String token, String url) {
        HttpApi.Response r = kernel.api().post("/webhook-endpoints", token, Map.of("url", url, "description", "test"));
        assertThat(r.status()).as(r.toString()).isEqualTo(201);
        return r.json();
    }
}
