package com.chaojiyuyan.kernel.http;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Per-credential request rate limit: a token bucket per agent key or session, refilled at
 * {@code perSecond} up to {@code burst}. Over the limit a request gets 429 {@code rate_limited} with
 * Retry-After. Kept per node: with N nodes behind a balancer a key gets up to N times the rate, which
 * is the usual trade for not putting a database write on every request.
 */
public final class RateLimiter {
    private static final int MAX_BUCKETS = 100_000;

    private final double perSecond;
    private final double burst;
    private final Map<String, Bucket> buckets = new ConcurrentHashMap<>();

    /** {@code perSecond <= 0} disables the limit. */
    public RateLimiter(double perSecond, double burst) {
        this.perSecond = perSecond;
        this.burst = Math.max(1, burst);
    }

    private static final class Bucket {
        private double tokens;
        private long refilledAt;

        Bucket(double tokens, long now) {
            this.tokens = tokens;
            this.refilledAt = now;
        }
    }

    public void acquire(String credential) {
        if (perSecond <= 0) {
            return;
        }
        long now = System.nanoTime();
        if (buckets.size() > MAX_BUCKETS) {
            // Idle buckets are full buckets: dropping them all loses nothing but a few tokens of debt.
            buckets.clear();
        }
        Bucket bucket = buckets.computeIfAbsent(credential, c -> new Bucket(burst, now));
        double waitSeconds;
        synchronized (bucket) {
            bucket.tokens = Math.min(burst, bucket.tokens + (now - bucket.refilledAt) / 1e9 * perSecond);
            bucket.refilledAt = now;
            if (bucket.tokens >= 1) {
                bucket.tokens -= 1;
                return;
            }
            waitSeconds = (1 - bucket.tokens) / perSecond;
        }
        long retryAfter = Math.max(1, (long) Math.ceil(waitSeconds));
        throw new ApiException(429, "rate_limited", "too many requests for this credential; slow down",
                Map.of("retry_after_seconds", retryAfter), Map.of("Retry-After", Long.toString(retryAfter)));
    }
}
