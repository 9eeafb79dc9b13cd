package com.chaojiyuyan.kernel.artifacts;

/**
 * A stored artifact of a job: inline ({@code sha256} names its blob, {@code sizeBytes} its length) or by
 * reference ({@code url}, with no size or hash).
 */
public record Artifact(
        String id,
        String jobId,
        String taskRunId,
        int position,
        String name,
        String contentType,
        Long sizeBytes,
        String sha256,
        String url,
        long createdAt) {

    public boolean inline() {
        return sha256 != null;
    }
}
