package com.chaojiyuyan.kernel.jobs;

/** A kernel job row. {@code input} and {@code output} are JSON text as stored. */
public record Job(
        String id,
        String ownerId,
        String agentId,
        String capabilityKey,
        JobStatus status,
        String input,
        String output,
        String errorCode,
        String errorMessage,
        int attempt,
        int maxAttempts,
        long maxBudgetNc,
        long priceNc,
        Long costNc,
        String idempotencyKey,
        String requestHash,
        String callbackUrl,
        String currentRunId,
        String workerAgentId,
        long queuedAt,
        long createdAt,
        long updatedAt,
        long expiresAt,
        Long finishedAt) {
}
