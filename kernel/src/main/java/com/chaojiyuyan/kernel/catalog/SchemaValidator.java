package com.chaojiyuyan.kernel.catalog;

import com.chaojiyuyan.kernel.http.Json;
import com.networknt.schema.Error;
import com.networknt.schema.Schema;
import com.networknt.schema.SchemaLocation;
import com.networknt.schema.SchemaRegistry;
import com.networknt.schema.SpecificationVersion;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import tools.jackson.databind.JsonNode;

/**
 * JSON Schema 2020-12 validation of job inputs and outputs. Compiled schemas are cached by their
 * canonical text, so a spec edited on another node is picked up on the next job without invalidation.
 */
public final class SchemaValidator {
    private static final int MAX_CACHED = 1024;
    private final SchemaRegistry registry = SchemaRegistry.withDefaultDialect(SpecificationVersion.DRAFT_2020_12);
    /** The 2020-12 meta-schema (bundled with the validator, never fetched): what a schema itself must satisfy. */
    private final Schema metaSchema = registry.getSchema(SchemaLocation.of(SpecificationVersion.DRAFT_2020_12.getDialectId()));
    private final Map<String, Schema> compiled = new ConcurrentHashMap<>();

    /** The violations of {@code instance} against {@code schema}, as {@code /path: message} lines; empty when valid. */
    public List<String> validate(JsonNode schema, JsonNode instance) {
        return compile(schema).validate(instance).stream().map(SchemaValidator::describe).toList();
    }

    /** Compiles {@code schema}, throwing IllegalArgumentException with the reason when it is not a usable schema. */
    public Schema compile(JsonNode schema) {
        String key = Json.canonical(schema);
        Schema cached = compiled.get(key);
        if (cached != null) {
            return cached;
        }
        if (!schema.isObject() && !schema.isBoolean()) {
            throw new IllegalArgumentException("must be a JSON Schema: an object or a boolean");
        }
        // The validator ignores keywords it cannot use ({"type": 12}, {"required": "text"}), which would
        // leave a capability that silently accepts, or refuses, every job.
        List<String> violations = metaSchema.validate(schema).stream().map(SchemaValidator::describe).toList();
        if (!violations.isEmpty()) {
            throw new IllegalArgumentException("is not a valid JSON Schema 2020-12: " + String.join("; ", violations));
        }
        Schema fresh;
        try {
            fresh = registry.getSchema(schema);
            // Resolve every $ref and compile every keyword now: a nested bad $ref or pattern would otherwise
            // surface only when a job's input reaches it, as a 500 on every such job.
            fresh.initializeValidators();
            fresh.validate(Json.object());
        } catch (RuntimeException e) {
            throw new IllegalArgumentException("is not a usable JSON Schema: " + e.getMessage(), e);
        }
        if (compiled.size() >= MAX_CACHED) {
            compiled.clear();
        }
        compiled.put(key, fresh);
        return fresh;
    }

    private static String describe(Error error) {
        String message = error.getMessage();
        String where = error.getInstanceLocation() == null ? "" : error.getInstanceLocation().toString();
        // networknt messages already start with the instance location, e.g. "$.text: integer found, string expected".
        return message.startsWith(where) ? message : where + ": " + message;
    }
}
