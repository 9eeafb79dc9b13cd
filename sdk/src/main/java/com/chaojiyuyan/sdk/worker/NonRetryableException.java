package com.chaojiyuyan.sdk.worker;

/**
 * Thrown by a handler to fail the job for good: the worker reports it with {@code retryable: false}, so
 * the job becomes {@code failed} instead of going back to the queue. Any other exception is retryable.
 */
public class NonRetryableException extends RuntimeException {
    private final String code;

    /** A permanent failure with error code {@code code} (e.g. {@code bad_input}) and a message for the caller. */
    public NonRetryableException(String code, String message) {
        super(message);
        this.code = code;
    }

    /** A permanent failure with code {@code handler_error}. */
    public NonRetryableException(String message) {
        this("handler_error", message);
    }

    /** The error code reported on the job. */
    public String code() {
        return code;
    }
}
