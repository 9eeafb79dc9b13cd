package com.chaojiyuyan.agents;

import java.util.Objects;
import tools.jackson.databind.node.ObjectNode;

/** What a tool call ends with: a value matching the tool's output schema, or an error with a stable code. */
public sealed interface ToolResult {

    /** A successful result. */
    record Success(ObjectNode value) implements ToolResult {
        public Success {
            Objects.requireNonNull(value, "value");
        }
    }

    /** A failed call. */
    record Failure(ToolError error) implements ToolResult {
        public Failure {
            Objects.requireNonNull(error, "error");
        }
    }

    static ToolResult success(ObjectNode value) {
        return new Success(value);
    }

    static ToolResult failure(ToolError error) {
        return new Failure(error);
    }

    static ToolResult failure(String code, String message) {
        return new Failure(ToolError.of(code, message));
    }
}
