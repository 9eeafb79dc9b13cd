package com.chaojiyuyan.kernel.jobs;

/** One attempt of one worker at one job: the lease it holds, and how it ended. */
public record TaskRun(
        String id,
        String jobId,
        String workerAgentId,
        int attempt,
        String status,
        long leaseExpiresAt,
        int submitAttemptsLeft,
        String outputHash,
        long createdAt,
        Long endedAt) {

    public static final String ACTIVE = "active";
    public static final String SUCCEEDED = "succeeded";
    public static final String FAILED = "failed";
    public static final String EXPIRED = "expired";
    public static final String CANCELLED = "cancelled";

    /** True while the run holds a live lease at {@code now}. */
    public boolean holdsLease(long now) {
        return ACTIVE.equals(status) && leaseExpiresAt > now;
    }
}
