package com.chaojiyuyan.sdk.worker;

import com.chaojiyuyan.sdk.HebingError;

/**
 * The root of the worker-side errors: the kernel refused a worker request for a reason a worker can act
 * on. {@link #code()} is the kernel's error code; {@link #getCause()} is the
 * {@link com.chaojiyuyan.sdk.HebingApiError} it came from, if any.
 */
public class WorkerError extends HebingError {
    private final int status;
    private final String code;
    private final String jobId;

    /**
     * A worker error.
     *
     * @param status the HTTP status (200 for a bid answered {@code accepted: false})
     * @param code   the kernel's error code
     * @param jobId  the job concerned, or null
     * @param cause  the API error, or null
     */
    public WorkerError(int status, String code, String jobId, String message, Throwable cause) {
        super(message, cause);
        this.status = status;
        this.code = code;
        this.jobId = jobId;
    }

    /** The HTTP status of the refusal. */
    public int status() {
        return status;
    }

    /** The kernel's code, e.g. {@code lease_expired}. */
    public String code() {
        return code;
    }

    /** The job concerned, or null. */
    public String jobId() {
        return jobId;
    }
}
