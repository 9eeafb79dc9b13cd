package com.chaojiyuyan.sdk;

/**
 * The device-flow login was refused: the user denied it ({@code access_denied}) or the code expired
 * ({@code expired_token}); the kernel answers both with 410. {@link #error()} says which.
 */
public class DeviceFlowError extends HebingError {
    private final String error;

    /** A refused login; {@code error} is the OAuth error code. */
    public DeviceFlowError(String error, String message) {
        super(message);
        this.error = error;
    }

    /** The OAuth error code: {@code access_denied}, {@code expired_token}, or another the server sent. */
    public String error() {
        return error;
    }
}
