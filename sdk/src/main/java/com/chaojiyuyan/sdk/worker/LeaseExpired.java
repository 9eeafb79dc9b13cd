package com.chaojiyuyan.sdk.worker;

/** 410 {@code lease_expired}: the heartbeat or submit came after the lease had passed; or 410 {@code job_terminal}: the job was cancelled or expired while this run held it ({@link #code()} says which). */
public class LeaseExpired extends WorkerError {
    /** See {@link WorkerError#WorkerError(int, String, String, String, Throwable)}. */
    public LeaseExpired(int status, String code, String jobId, String message, Throwable cause) {
        super(status, code, jobId, message, cause);
    }
}
