package com.chaojiyuyan.kernel.ops;

import static org.assertj.core.api.Assertions.assertThat;

import com.chaojiyuyan.kernel.KernelServer;
import com.chaojiyuyan.kernel.testing.Db;
import com.chaojiyuyan.kernel.testing.HttpApi;
import com.chaojiyuyan.kernel.testing.TestKernel;
import com.networknt.schema.Schema;
import com.networknt.schema.SchemaLocation;
import com.networknt.schema.SchemaRegistry;
import com.networknt.schema.SpecificationVersion;
import java.net.URI;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

/**
 * The served OpenAPI document against the routes the server really registers: nothing undocumented,
 * nothing stale, and a document that holds together (OpenAPI 3.1, every $ref resolves, every schema
 * compiles, every operation described).
 */
class OpenApiTest {
    private static final Set<String> HTTP_METHODS = Set.of("get", "put", "post", "delete", "options", "head", "patch", "trace");
    private static final Set<String> ACCESS_LEVELS = Set.of("public", "any", "owner", "admin", "agent");

    private static TestKernel kernel;
    private static String text;
    private static JsonNode doc;

    @BeforeAll
    static void start() {
        kernel = TestKernel.start(Db.SQLITE);
        HttpApi.Response r = kernel.api().get("/openapi.json", null);
        assertThat(r.status()).as(r.toString()).isEqualTo(200);
        assertThat(r.header("Content-Type")).startsWith("application/json");
        text = r.text();
        doc = r.json();
    }

    @AfterAll
    static void stop() {
        if (kernel != null) {
            kernel.close();
        }
    }

    @Test
    void everyRegisteredRouteIsDocumented() {
        Set<String> documented = documentedOperations();
        List<String> missing = registeredOperations().stream().filter(route -> !documented.contains(route)).sorted().toList();
        assertThat(missing)
                .as("routes the server registers but kernel/src/main/resources/openapi.json does not document")
                .isEmpty();
    }

    @Test
    void everyDocumentedOperationIsARegisteredRoute() {
        Set<String> registered = registeredOperations();
        List<String> stale = documentedOperations().stream().filter(op -> !registered.contains(op)).sorted().toList();
        assertThat(stale).as("operations openapi.json documents but the server does not register").isEmpty();
    }

    @Test
    void documentIsOpenApi31AndNamesThisServer() {
        assertThat(doc.get("openapi").asString()).matches("3\\.1\\.\\d+");
        assertThat(doc.get("info").get("title").asString()).isNotBlank();
        assertThat(doc.get("info").get("version").asString()).isNotBlank();
        assertThat(doc.get("servers").get(0).get("url").asString()).isEqualTo(kernel.server().apiUrl());
        assertThat(doc.get("paths").size()).isPositive();
    }

    @Test
    void everyReferenceResolves() {
        List<String> refs = new ArrayList<>();
        collectRefs(doc, refs);
        assertThat(refs).isNotEmpty();
        List<String> broken = refs.stream().distinct().filter(ref -> !ref.startsWith("#/") || resolve(ref) == null).toList();
        assertThat(broken).as("$refs that point nowhere in the document").isEmpty();
    }

    @Test
    void everyComponentSchemaIsAValidJsonSchema202012() {
        String iri = "https://chaojiyuyan.test/openapi.json";
        SchemaRegistry registry = SchemaRegistry.withDefaultDialect(SpecificationVersion.DRAFT_2020_12,
                b -> b.schemas(Map.of(iri, text)));
        Schema metaSchema = registry.getSchema(SchemaLocation.of("https://json-schema.org/draft/2020-12/schema"));
        List<String> failures = new ArrayList<>();
        for (var e : doc.get("components").get("schemas").properties()) {
            metaSchema.validate(e.getValue()).forEach(error ->
                    failures.add(e.getKey() + " at " + error.getInstanceLocation() + ": " + error.getMessage()));
            try {
                registry.getSchema(SchemaLocation.of(iri + "#/components/schemas/" + e.getKey())).validate(HttpApi.JSON.readTree("{}"));
            } catch (RuntimeException ex) {
                failures.add(e.getKey() + ": " + ex.getMessage());
            }
        }
        assertThat(failures).isEmpty();
    }

    @Test
    void everyOperationIsDescribedWithItsParametersAccessAndErrors() {
        Set<String> operationIds = new HashSet<>();
        List<String> problems = new ArrayList<>();
        forEachOperation((method, path, op) -> {
            String where = method.toUpperCase() + " " + path;
            if (!operationIds.add(text(op, "operationId"))) {
                problems.add(where + ": missing or duplicate operationId");
            }
            if (text(op, "summary").isBlank() || text(op, "description").isBlank()) {
                problems.add(where + ": needs a summary and a description");
            }
            Set<String> pathParams = new TreeSet<>();
            for (JsonNode p : op.path("parameters")) {
                if ("path".equals(text(p, "in"))) {
                    pathParams.add(text(p, "name"));
                    if (!p.path("required").asBoolean(false)) {
                        problems.add(where + ": path parameter " + text(p, "name") + " must be required");
                    }
                }
                if (!p.has("schema")) {
                    problems.add(where + ": parameter " + text(p, "name") + " has no schema");
                }
            }
            Set<String> inPath = new TreeSet<>();
            Matcher m = Pattern.compile("\\{([^}]+)}").matcher(path);
            while (m.find()) {
                inPath.add(m.group(1));
            }
            if (!inPath.equals(pathParams)) {
                problems.add(where + ": path parameters declared " + pathParams + " but the path has " + inPath);
            }
            String access = text(op, "x-access");
            if (!ACCESS_LEVELS.contains(access)) {
                problems.add(where + ": x-access must be one of " + ACCESS_LEVELS);
            } else if (!securityNames(op).equals(expectedSecurity(access))) {
                problems.add(where + ": security " + securityNames(op) + " does not match x-access " + access);
            }
            JsonNode responses = op.path("responses");
            if (responses.isEmpty()) {
                problems.add(where + ": no responses");
            }
            for (var r : responses.properties()) {
                JsonNode response = deref(r.getValue());
                if (r.getKey().compareTo("400") >= 0 && !r.getKey().equals("503")) {
                    JsonNode content = response.path("content");
                    JsonNode codes = content.path("application/problem+json").path("schema").path("allOf")
                            .path(1).path("properties").path("code").path("enum");
                    // The OAuth endpoints answer RFC 6749 errors ({"error":...}); /activate answers pages.
                    JsonNode oauthErrors = content.path("application/json").path("schema").path("allOf")
                            .path(1).path("properties").path("error").path("enum");
                    boolean page = content.size() == 1 && content.has("text/html");
                    if (codes.isEmpty() && oauthErrors.isEmpty() && !page) {
                        problems.add(where + " " + r.getKey() + ": an error answer needs a problem+json schema with its codes"
                                + " (or, for OAuth endpoints, an RFC 6749 error schema with its errors)");
                    }
                }
            }
            if (!"public".equals(access) && !responses.has("401")) {
                problems.add(where + ": a secured operation answers 401");
            }
        });
        assertThat(problems).isEmpty();
    }

    // ---- helpers -------------------------------------------------------------------------------

    /** The server's routes as "METHOD /full/path", without the HEAD and OPTIONS Javalin may add. */
    private static Set<String> registeredOperations() {
        Set<String> out = new TreeSet<>();
        for (KernelServer.Route route : kernel.server().routes()) {
            if (route.method().equals("HEAD") || route.method().equals("OPTIONS")) {
                continue;
            }
            // Javalin also accepts <name> for path parameters; OpenAPI only {name}.
            out.add(route.method().toUpperCase() + " " + route.path().replaceAll("<([^>]+)>", "{$1}"));
        }
        assertThat(out).as("the server registers routes").isNotEmpty();
        return out;
    }

    /** The document's operations as "METHOD /full/path": each path under its path-level server, or the document's. */
    private static Set<String> documentedOperations() {
        Set<String> out = new TreeSet<>();
        forEachOperation((method, path, op) -> out.add(method.toUpperCase() + " " + fullPath(path)));
        return out;
    }

    private static String fullPath(String path) {
        JsonNode servers = doc.get("paths").get(path).path("servers");
        String server = servers.isEmpty() ? doc.get("servers").get(0).get("url").asString() : servers.get(0).get("url").asString();
        String prefix = URI.create(kernel.server().publicUrl() + "/").resolve(server).getPath();
        return prefix.replaceAll("/+$", "") + path;
    }

    interface OperationVisitor {
        void visit(String method, String path, JsonNode operation);
    }

    static void forEachOperation(OperationVisitor visitor) {
        for (var p : doc.get("paths").properties()) {
            for (var o : p.getValue().properties()) {
                if (HTTP_METHODS.contains(o.getKey())) {
                    visitor.visit(o.getKey(), p.getKey(), o.getValue());
                }
            }
        }
    }

    private static Set<String> securityNames(JsonNode op) {
        Set<String> names = new TreeSet<>();
        for (JsonNode requirement : op.path("security")) {
            requirement.propertyNames().forEach(names::add);
        }
        return names;
    }

    private static Set<String> expectedSecurity(String access) {
        return switch (access) {
            case "public" -> Set.of();
            case "any" -> Set.of("agentKey", "ownerSession");
            case "owner", "admin" -> Set.of("ownerSession");
            default -> Set.of("agentKey");
        };
    }

    private static void collectRefs(JsonNode node, List<String> out) {
        if (node.isObject()) {
            for (var e : node.properties()) {
                if (e.getKey().equals("$ref") && e.getValue().isString()) {
                    out.add(e.getValue().asString());
                } else {
                    collectRefs(e.getValue(), out);
                }
            }
        } else if (node.isArray()) {
            node.values().forEach(v -> collectRefs(v, out));
        }
    }

    /** The node a local reference ("#/a/b~1c") points to, or null. */
    static JsonNode resolve(String ref) {
        JsonNode node = doc.at(ref.substring(1));
        return node.isMissingNode() ? null : node;
    }

    private static JsonNode deref(JsonNode node) {
        return node.has("$ref") ? resolve(node.get("$ref").asString()) : node;
    }

    private static String text(JsonNode node, String member) {
        JsonNode v = node.get(member);
        return v == null || !v.isString() ? "" : v.asString();
    }
}
