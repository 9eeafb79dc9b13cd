package com.chaojiyuyan.sdk;

/**
 * The root of every exception the SDK throws on its own account (unchecked). Network failures are not
 * among them: they surface as {@link java.io.UncheckedIOException} wrapping the JDK's own
 * {@link java.io.IOException} (connection refused, DNS, TLS, timeouts).
 */
public class HebingError extends RuntimeException {
    /** An error with a message. */
    public HebingError(String message) {
        super(message);
    }

    /** An error with a message and a cause. */
    public HebingError(String message, Throwable cause) {
        super(message, cause);
    }
}
