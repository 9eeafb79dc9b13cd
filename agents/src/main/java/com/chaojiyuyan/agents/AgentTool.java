package com.chaojiyuyan.agents;

import java.util.Objects;
import java.util.regex.Pattern;
import tools.jackson.databind.JsonNode;

/**
 * One tool, declared once: everything a transport needs to offer it (MCP {@code tools/list}, the
 * command line's {@code agents list}) and the handler that runs it.
 *
 * <p>Names match {@code ^[a-zA-Z0-9_-]{1,64}$} without {@code __}: Claude Desktop refuses other names, and
 * a double underscore is what some clients put between a server's name and a tool's. A dotted name of a
 * persona ({@code agents.lab_workflow.designer}) is written with underscores
 * ({@code agents_lab_workflow_designer}).
 *
 * @param name         the tool's name, prefixed with its agent's ({@code kernel_get_job})
 * @param scope        who the tool is for: a caller of capabilities, or a worker that serves them
 * @param title        a short human title
 * @param description  what it does and when to use it, for the model choosing tools
 * @param inputSchema  JSON Schema of the arguments: an object whose properties all carry a description
 * @param outputSchema JSON Schema of a successful result (always an object)
 * @param annotations  truthful hints about its effects
 * @param handler      what runs it
 */
public record AgentTool(String name, Scope scope, String title, String description, JsonNode inputSchema,
                        JsonNode outputSchema, ToolAnnotations annotations, ToolHandler handler) {
    private static final Pattern NAME = Pattern.compile("^[a-zA-Z0-9_-]{1,64}$");

    /** Who a tool is for. */
    public enum Scope {
        /** Calls capabilities and follows the jobs it creates. */
        CALLER,
        /** Serves capabilities: registers, claims jobs, submits results. */
        WORKER;

        /** The lowercase name shown to people and clients. */
        public String label() {
            return name().toLowerCase(java.util.Locale.ROOT);
        }
    }

    public AgentTool {
        Objects.requireNonNull(name, "name");
        if (!NAME.matcher(name).matches() || name.contains("__")) {
            throw new IllegalArgumentException("tool name '" + name + "' must match ^[a-zA-Z0-9_-]{1,64}$ without '__'");
        }
        Objects.requireNonNull(scope, "scope");
        Objects.requireNonNull(title, "title");
        Objects.requireNonNull(description, "description");
        Objects.requireNonNull(annotations, "annotations");
        Objects.requireNonNull(handler, "handler");
        if (inputSchema == null || !"object".equals(inputSchema.path("type").asString(""))) {
            throw new IllegalArgumentException("tool " + name + ": the input schema must be of type object");
        }
        if (outputSchema == null || !"object".equals(outputSchema.path("type").asString(""))) {
            throw new IllegalArgumentException("tool " + name + ": the output schema must be of type object");
        }
        inputSchema.path("properties").forEachEntry((property, schema) -> {
            if (schema.path("description").asString("").isBlank()) {
                throw new IllegalArgumentException("tool " + name + ": argument '" + property + "' has no description");
            }
        });
    }
}
