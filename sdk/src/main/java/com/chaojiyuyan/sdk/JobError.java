package com.chaojiyuyan.sdk;

/**
 * Why a job failed: {@code {"code","message"}} on the wire.
 *
 * @param code    a stable code, e.g. {@code attempts_exhausted} or a worker's own
 * @param message a human-readable message
 */
public record JobError(String code, String message) {
}
