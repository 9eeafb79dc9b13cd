package com.chaojiyuyan.kernel.ops;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.chaojiyuyan.kernel.http.Json;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.node.ObjectNode;

/** Features document their routes in fragments of their own; merging adds, and never overwrites. */
class OpenApiFragmentsTest {

    private static ObjectNode json(String text) {
        return (ObjectNode) Json.parse(text);
    }

    @Test
    void aFragmentAddsItsPathsComponentsAndTags() {
        ObjectNode doc = json("""
                {"paths":{"/a":{}},"components":{"schemas":{"A":{}}},"tags":[{"name":"a"}]}""");
        OperationsRoutes.merge(doc, json("""
                {"paths":{"/b":{}},"components":{"schemas":{"B":{}},"responses":{"R":{}}},"tags":[{"name":"b"}]}"""), "b.json");
        assertThat(doc.get("paths").propertyNames()).containsExactly("/a", "/b");
        assertThat(doc.get("components").get("schemas").propertyNames()).containsExactly("A", "B");
        assertThat(doc.get("components").get("responses").propertyNames()).containsExactly("R");
        assertThat(doc.get("tags")).hasSize(2);
    }

    @Test
    void aFragmentMayNotRedefineAPathOrComponent() {
        ObjectNode doc = json("""
                {"paths":{"/a":{}},"components":{"schemas":{"A":{}}}}""");
        assertThatThrownBy(() -> OperationsRoutes.merge(doc, json("{\"paths\":{\"/a\":{}}}"), "x.json"))
                .hasMessageContaining("x.json paths redefines /a");
        assertThatThrownBy(() -> OperationsRoutes.merge(doc, json("{\"components\":{\"schemas\":{\"A\":{}}}}"), "y.json"))
                .hasMessageContaining("redefines A");
    }

    @Test
    void theServedDocumentMergesEveryListedFragment() {
        ObjectNode served = (ObjectNode) Json.parse(OperationsRoutes.openApiDocument("http://example.test"));
        assertThat(served.get("servers").get(0).get("url").asString()).isEqualTo("http://example.test/api/v1");
        assertThat(served.get("paths").has("/kernel-jobs")).isTrue();
    }
}
