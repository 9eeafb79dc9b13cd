package com.chaojiyuyan.agents;

import com.chaojiyuyan.sdk.HebingApiError;
import com.chaojiyuyan.sdk.worker.WorkerError;
import java.io.InterruptedIOException;
import java.io.UncheckedIOException;
import java.net.ConnectException;
import java.net.http.HttpTimeoutException;
import tools.jackson.databind.node.JsonNodeFactory;
import tools.jackson.databind.node.ObjectNode;

/**
 * The one place where an exception escaping a tool becomes an error value. The kernel's own codes pass
 * through unchanged (with its {@code errors} and {@code submit_attempts_left} when it sent them); what
 * happens on this side gets codes of its own.
 */
public final class ToolErrors {
    /** The credentials could not be found: no key in the environment or the credentials file. */
    public static final String NOT_AUTHENTICATED = "not_authenticated";
    /** The arguments do not match the tool's input schema. */
    public static final String BAD_ARGUMENTS = "bad_arguments";
    /** A job was still not finished when the wait ended. */
    public static final String JOB_TIMEOUT = "job_timeout";
    /** No tool of that name in the registry. */
    public static final String UNKNOWN_TOOL = "unknown_tool";
    /** The kernel could not be reached (connection refused, DNS, TLS, timeout). */
    public static final String KERNEL_UNREACHABLE = "kernel_unreachable";
    /** The caller cancelled the call. */
    public static final String CANCELLED = "cancelled";
    /** Anything else: a fault on this side. */
    public static final String INTERNAL = "internal";

    private ToolErrors() {
    }

    public static ToolError from(Throwable e) {
        if (e instanceof NotAuthenticated) {
            return ToolError.of(NOT_AUTHENTICATED, e.getMessage());
        }
        if (e instanceof HebingApiError api) {
            return ToolError.of(api.code(), api.detail() != null ? api.detail() : api.getMessage()).withDetailsOf(api);
        }
        if (e instanceof WorkerError worker) {
            if (worker.getCause() instanceof HebingApiError api) {
                return ToolError.of(worker.code(), api.detail() != null ? api.detail() : api.getMessage()).withDetailsOf(api);
            }
            return ToolError.of(worker.code(), worker.getMessage());
        }
        if (e instanceof UncheckedIOException io) {
            if (io.getCause() instanceof InterruptedIOException && !(io.getCause() instanceof HttpTimeoutException)) {
                return ToolError.of(CANCELLED, "the call was cancelled");
            }
            String what = io.getCause() instanceof ConnectException ? "connection refused"
                    : io.getCause() instanceof HttpTimeoutException ? "no answer in time" : String.valueOf(io.getCause());
            return ToolError.of(KERNEL_UNREACHABLE, "cannot reach the kernel: " + what);
        }
        return ToolError.of(INTERNAL, "unexpected failure: " + e);
    }

    /** Thrown when no credentials can be found; becomes {@code not_authenticated}. */
    public static final class NotAuthenticated extends RuntimeException {
        public NotAuthenticated(String message) {
            super(message);
        }
    }

    static ObjectNode details(HebingApiError api) {
        ObjectNode details = JsonNodeFactory.instance.objectNode();
        if (api.body() != null) {
            for (String member : new String[] {"errors", "submit_attempts_left"}) {
                if (api.body().has(member)) {
                    details.set(member, api.body().get(member));
                }
            }
        }
        return details;
    }
}
