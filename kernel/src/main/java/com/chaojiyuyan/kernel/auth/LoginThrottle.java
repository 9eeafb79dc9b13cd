package com.chaojiyuyan.kernel.auth;

import com.chaojiyuyan.kernel.http.ApiException;
import java.time.Clock;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Limits failed sign-ins per account and per client address within a sliding window. Kept in memory
 * per node: a guess-rate limit, not an account lockout, so losing it on restart is acceptable.
 */
public final class LoginThrottle {
    private final int maxFailures;
    private final long windowMs;
    private final Clock clock;
    private final Map<String, Deque<Long>> failures = new ConcurrentHashMap<>();

    public LoginThrottle(int maxFailures, long windowMs, Clock clock) {
        this.maxFailures = maxFailures;
        this.windowMs = windowMs;
        this.clock = clock;
    }

    /** 429 {@code rate_limited} with Retry-After when any of {@code subjects} failed too often lately. */
    public void check(String... subjects) {
        long now = clock.millis();
        for (String subject : subjects) {
            Deque<Long> times = failures.get(subject);
            if (times == null) {
                continue;
            }
            synchronized (times) {
                prune(times, now);
                if (times.size() >= maxFailures) {
                    long retryAfter = Math.max(1, (times.peekFirst() + windowMs - now + 999) / 1000);
                    throw new ApiException(429, "rate_limited", "too many failed attempts; try again later",
                            Map.of("retry_after_seconds", retryAfter), Map.of("Retry-After", Long.toString(retryAfter)));
                }
            }
        }
    }

    public void recordFailure(String... subjects) {
        long now = clock.millis();
        for (String subject : subjects) {
            Deque<Long> times = failures.computeIfAbsent(subject, s -> new ArrayDeque<>());
            synchronized (times) {
                prune(times, now);
                times.addLast(now);
            }
        }
    }

    public void recordSuccess(String subject) {
        failures.remove(subject);
    }

    private void prune(Deque<Long> times, long now) {
        while (!times.isEmpty() && times.peekFirst() <= now - windowMs) {
            times.pollFirst();
        }
    }
}
