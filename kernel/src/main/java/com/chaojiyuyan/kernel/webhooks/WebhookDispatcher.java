package com.chaojiyuyan.kernel.webhooks;

import com.chaojiyuyan.kernel.http.Json;
import com.chaojiyuyan.kernel.jobs.JobTransitions;
import com.chaojiyuyan.kernel.storage.Database;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import tools.jackson.databind.node.ObjectNode;

/**
 * Sends due webhook deliveries, on every node. Each round claims a batch (one attempt per delivery, see
 * {@link WebhookStore#claimDue}), sends them concurrently, and records each attempt with its outcome:
 * delivered (2xx); retried later with exponential backoff and jitter; or failed for good (after about
 * three days of failures, on 410 Gone, or when the target is refused), which disables an endpoint that
 * failed persistently or answered 410. Redirects are not followed: a 3xx is a failed attempt, so a
 * target cannot bounce a signed request to an address the guard would refuse.
 *
 * <p>Times come from the kernel's clock, so a test moves time forward to make a retry due.
 */
public final class WebhookDispatcher implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(WebhookDispatcher.class);
    private static final int BATCH = 32;
    /** Longer than an attempt can take (resolve, connect 5 s, answer 10 s): no second claim while one is in flight. */
    static final long CLAIM_LEASE_MILLIS = 60_000;
    static final long MAX_DELAY_MILLIS = Duration.ofHours(4).toMillis();
    static final long GIVE_UP_AFTER_MILLIS = Duration.ofDays(3).toMillis();
    private static final Duration CONNECT_TIMEOUT = Duration.ofSeconds(5);
    private static final Duration REQUEST_TIMEOUT = Duration.ofSeconds(10);
    private static final int MAX_ERROR_LENGTH = 500;

    private enum Kind { DELIVERED, RETRY, GONE, REFUSED }

    private record Outcome(Kind kind, Integer statusCode, String error) {
    }

    private final Database db;
    private final WebhookStore store;
    private final Webhooks webhooks;
    private final TargetGuard guard;
    private final JobTransitions transitions;
    private final Clock clock;
    private final long baseDelayMillis;
    private final HttpClient http;
    private final ScheduledExecutorService scheduler;

    WebhookDispatcher(Database db, WebhookStore store, Webhooks webhooks, TargetGuard guard, JobTransitions transitions,
                      Clock clock, int retryBaseSeconds) {
        this.db = db;
        this.store = store;
        this.webhooks = webhooks;
        this.guard = guard;
        this.transitions = transitions;
        this.clock = clock;
        this.baseDelayMillis = retryBaseSeconds * 1000L;
        this.http = HttpClient.newBuilder()
                .connectTimeout(CONNECT_TIMEOUT)
                .followRedirects(HttpClient.Redirect.NEVER)
                .version(HttpClient.Version.HTTP_1_1)
                .build();
        this.scheduler = Executors.newSingleThreadScheduledExecutor(r -> Thread.ofPlatform().daemon().name("webhook-dispatcher").unstarted(r));
    }

    void start(long intervalMillis) {
        scheduler.scheduleWithFixedDelay(this::deliverSafely, intervalMillis, intervalMillis, TimeUnit.MILLISECONDS);
    }

    /** A settlement with webhooks committed on this node: look now rather than at the next tick. */
    void wake() {
        try {
            scheduler.execute(this::deliverSafely);
        } catch (RejectedExecutionException closing) {
            // shutting down: another node, or this one's next start, sends it
        }
    }

    private void deliverSafely() {
        try {
            deliverDue();
        } catch (RuntimeException e) {
            if (Database.isConnectionFailure(e)) {
                log.warn("webhook delivery round skipped: database unreachable; retrying on the next tick");
            } else {
                log.warn("webhook delivery round failed; retrying on the next tick", e);
            }
        }
    }

    /** Claims and sends due deliveries until none are due; returns how many attempts were made. */
    int deliverDue() {
        int attempts = 0;
        List<WebhookStore.Delivery> batch;
        do {
            long now = clock.millis();
            if (!db.read(h -> store.anyDue(h, now))) {
                return attempts;
            }
            batch = db.transaction(h -> store.claimDue(h, now, now + CLAIM_LEASE_MILLIS, BATCH));
            try (ExecutorService senders = Executors.newVirtualThreadPerTaskExecutor()) {
                for (WebhookStore.Delivery d : batch) {
                    senders.execute(() -> attempt(d));
                }
            }
            attempts += batch.size();
        } while (batch.size() == BATCH);
        return attempts;
    }

    private void attempt(WebhookStore.Delivery d) {
        long at = clock.millis();
        long started = System.nanoTime();
        Outcome outcome;
        try {
            outcome = send(d);
        } catch (RuntimeException e) {
            // The attempt's error is shown to the owner in the deliveries listing: never the exception's
            // message, which may carry SQL and its arguments. The log has the details.
            if (Database.isConnectionFailure(e)) {
                log.warn("webhook delivery {} attempt {}: database unreachable, retried later", d.id(), d.attempts());
                outcome = new Outcome(Kind.RETRY, null, "not sent: the server's database was unreachable");
            } else {
                log.warn("webhook delivery {} attempt {} failed unexpectedly", d.id(), d.attempts(), e);
                outcome = new Outcome(Kind.RETRY, null, "not sent: internal error (see the server log)");
            }
        }
        long durationMs = (System.nanoTime() - started) / 1_000_000;
        try {
            record(d, outcome, at, durationMs);
        } catch (RuntimeException e) {
            // The claim's lease runs out and the delivery is attempted again: at least once, never lost.
            log.warn("could not record webhook delivery {} attempt {}", d.id(), d.attempts(), e);
        }
    }

    private Outcome send(WebhookStore.Delivery d) {
        WebhookStore.SealedSecrets secrets;
        if (d.endpointId() != null) {
            WebhookStore.Endpoint e = db.read(h -> store.findEndpoint(h, d.endpointId())).orElseThrow();
            if (!e.isActive()) {
                return new Outcome(Kind.REFUSED, null, "endpoint " + e.id() + " is " + e.status());
            }
            secrets = new WebhookStore.SealedSecrets(e.secret(), e.previousSecret(), e.previousSecretExpiresAt());
        } else {
            secrets = webhooks.ownerSecretsForSigning(d.ownerId());
        }
        String refusal = guard.refusal(d.url());
        if (refusal != null) {
            return new Outcome(Kind.REFUSED, null, refusal);
        }
        byte[] body = d.payload().getBytes(StandardCharsets.UTF_8);
        long now = clock.millis();
        long timestamp = now / 1000;
        List<String> live = webhooks.liveSecrets(secrets, now);
        HttpRequest request = HttpRequest.newBuilder(URI.create(d.url()))
                .timeout(REQUEST_TIMEOUT)
                .header("Content-Type", "application/json")
                .header("User-Agent", "chaojiyuyan-webhooks/1")
                .header("X-Kernel-Signature", WebhookSignatures.kernelSignature(live.get(0), body))
                .header("webhook-id", d.id())
                .header("webhook-timestamp", Long.toString(timestamp))
                .header("webhook-signature", WebhookSignatures.standardSignatures(live, d.id(), timestamp, body))
                .POST(HttpRequest.BodyPublishers.ofByteArray(body))
                .build();
        try {
            HttpResponse<Void> response = http.send(request, HttpResponse.BodyHandlers.discarding());
            int status = response.statusCode();
            if (status >= 200 && status < 300) {
                return new Outcome(Kind.DELIVERED, status, null);
            }
            if (status == 410) {
                return new Outcome(Kind.GONE, status, "the target answered 410 Gone");
            }
            if (status >= 300 && status < 400) {
                return new Outcome(Kind.RETRY, status, "redirect not followed (HTTP " + status
                        + response.headers().firstValue("Location").map(l -> " to " + l).orElse("") + ")");
            }
            return new Outcome(Kind.RETRY, status, "HTTP " + status);
        } catch (HttpTimeoutException e) {
            return new Outcome(Kind.RETRY, null, "timed out: " + e.getMessage());
        } catch (IOException e) {
            return new Outcome(Kind.RETRY, null, e.getClass().getSimpleName() + (e.getMessage() == null ? "" : ": " + e.getMessage()));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return new Outcome(Kind.RETRY, null, "interrupted (server shutting down)");
        }
    }

    private void record(WebhookStore.Delivery d, Outcome o, long at, long durationMs) {
        int attempt = d.attempts();
        String error = o.error() == null || o.error().length() <= MAX_ERROR_LENGTH ? o.error() : o.error().substring(0, MAX_ERROR_LENGTH);
        db.transaction(h -> {
            long now = clock.millis();
            store.insertAttempt(h, new WebhookStore.Attempt(d.id(), attempt, at, o.statusCode(), error, durationMs));
            String endpointReason = null;
            String status;
            long next = now;
            switch (o.kind()) {
                case DELIVERED -> status = WebhookStore.DELIVERED;
                case GONE -> {
                    status = WebhookStore.FAILED;
                    endpointReason = "the endpoint answered 410 Gone";
                }
                case REFUSED -> status = WebhookStore.FAILED;
                case RETRY -> {
                    next = now + delayAfter(attempt);
                    if (next - d.createdAt() > GIVE_UP_AFTER_MILLIS) {
                        status = WebhookStore.FAILED;
                        endpointReason = "deliveries failed for " + GIVE_UP_AFTER_MILLIS / 86_400_000 + " days";
                    } else {
                        status = WebhookStore.PENDING;
                    }
                }
                default -> throw new IllegalStateException();
            }
            if (!store.finishAttempt(h, d, attempt, status, next, o.statusCode(), error, now)) {
                return null; // the claim lapsed and a newer attempt owns the delivery now
            }
            if (endpointReason != null && d.endpointId() != null) {
                store.setEndpointStatus(h, d.endpointId(), WebhookStore.ACTIVE, WebhookStore.DISABLED, endpointReason, now);
            }
            if (!WebhookStore.PENDING.equals(status)) {
                ObjectNode data = Json.object();
                data.put("delivery_id", d.id());
                data.put("endpoint_id", d.endpointId());
                data.put("url", d.url());
                data.put("attempts", attempt);
                data.put("status_code", o.statusCode());
                if (error != null) {
                    data.put("error", error);
                }
                transitions.event(h, d.jobId(), WebhookStore.DELIVERED.equals(status) ? "webhook_delivered" : "webhook_failed",
                        data, now);
            }
            return null;
        });
    }

    /** Exponential backoff: base, 2 base, 4 base, ... capped at four hours, each stretched by up to 25% at random. */
    long delayAfter(int attempt) {
        long delay = baseDelayMillis << Math.min(attempt - 1, 30);
        if (delay <= 0 || delay > MAX_DELAY_MILLIS) {
            delay = MAX_DELAY_MILLIS;
        }
        // Jitter spreads retries of many deliveries that failed together (an endpoint's outage) over time.
        return delay + (long) (delay * 0.25 * ThreadLocalRandom.current().nextDouble());
    }

    /** Stops delivering; attempts under way finish and are recorded first. */
    @Override
    public void close() {
        scheduler.shutdown();
        try {
            if (!scheduler.awaitTermination(20, TimeUnit.SECONDS)) {
                scheduler.shutdownNow();
            }
        } catch (InterruptedException e) {
            scheduler.shutdownNow();
            Thread.currentThread().interrupt();
        }
    }
}
