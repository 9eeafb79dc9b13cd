package com.chaojiyuyan.sdk.worker;

/**
 * The bid did not win the job: another worker was first ({@link #code()} {@code already_taken}, HTTP 200
 * {@code accepted: false}), or the job cannot be bid on any more (410 {@code bid_window_closed},
 * {@code attempts_exhausted}, {@code job_terminal}).
 */
public class BidRejected extends WorkerError {
    /** See {@link WorkerError#WorkerError(int, String, String, String, Throwable)}; {@code code} is the reason. */
    public BidRejected(int status, String code, String jobId, String message, Throwable cause) {
        super(status, code, jobId, message, cause);
    }

    /** Why: {@code already_taken}, {@code bid_window_closed}, {@code attempts_exhausted} or {@code job_terminal}. */
    public String reason() {
        return code();
    }
}
