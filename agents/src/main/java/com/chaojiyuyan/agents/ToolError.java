package com.chaojiyuyan.agents;

import java.util.Objects;
import tools.jackson.databind.node.JsonNodeFactory;
import tools.jackson.databind.node.ObjectNode;

/**
 * A tool's error: a stable {@code code} a model can match on (the kernel API's codes, plus
 * {@code bad_arguments}, {@code job_timeout}, {@code not_authenticated}, {@code unknown_tool},
 * {@code kernel_unreachable}), a message for people, and optional details (e.g. the schema errors of a
 * rejected submit).
 *
 * @param code    the stable code
 * @param message one or two sentences saying what went wrong and what to do
 * @param details extra members of the error object (may be empty, never null)
 */
public record ToolError(String code, String message, ObjectNode details) {
    public ToolError {
        Objects.requireNonNull(code, "code");
        Objects.requireNonNull(message, "message");
        details = details == null ? JsonNodeFactory.instance.objectNode() : details;
    }

    public static ToolError of(String code, String message) {
        return new ToolError(code, message, null);
    }

    /** This error with the kernel's extra problem members ({@code errors}, {@code submit_attempts_left}) as details. */
    ToolError withDetailsOf(com.chaojiyuyan.sdk.HebingApiError api) {
        ObjectNode merged = details.deepCopy();
        ToolErrors.details(api).forEachEntry(merged::set);
        return new ToolError(code, message, merged);
    }

    /** The error as transports print it: {@code {"error":{"code":...,"message":...,...details}}}. */
    public ObjectNode toJson() {
        ObjectNode error = JsonNodeFactory.instance.objectNode();
        error.put("code", code);
        error.put("message", message);
        details.forEachEntry(error::set);
        ObjectNode out = JsonNodeFactory.instance.objectNode();
        out.set("error", error);
        return out;
    }
}
