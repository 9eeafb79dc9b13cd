package com.chaojiyuyan.kernel.catalog;

import static org.assertj.core.api.Assertions.assertThat;

import com.chaojiyuyan.kernel.testing.ContractTest;
import com.chaojiyuyan.kernel.testing.HttpApi;
import java.util.Map;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * A capability's input and output schemas must be usable JSON Schema 2020-12 when the spec is written:
 * a broken one is refused with 422 invalid_schema, never stored to fail (or 500) every job later.
 */
class CapabilitySchemaValidationTest extends ContractTest {

    @ParameterizedTest
    @ValueSource(strings = {
            "{\"type\": 5}",
            "{\"type\": \"objekt\"}",
            "{\"required\": \"text\"}",
            "{\"minLength\": \"x\"}",
            "{\"pattern\": \"((\"}",
            "{\"$ref\": \"#/nowhere\"}",
            "{\"properties\": {\"text\": {\"$ref\": \"#/nowhere\"}}}"})
    void anUnusableSchemaIsRefusedWhenTheSpecIsWritten(String schema) {
        String key = "test.badschema.n" + Long.toString(System.nanoTime(), 36);
        for (String member : new String[] {"input_schema", "output_schema"}) {
            HttpApi.Response created = kernel.api().post("/capability-specs", kernel.adminToken(),
                    Map.of("capability_key", key, member, HttpApi.JSON.readTree(schema)));
            assertThat(created.status()).as("%s %s: %s", member, schema, created).isEqualTo(422);
            assertThat(created.code()).isEqualTo("invalid_schema");
            assertThat(created.json().get("detail").asString()).contains(member);

            HttpApi.Response put = kernel.api().put("/capability-specs/" + key, kernel.adminToken(),
                    Map.of(member, HttpApi.JSON.readTree(schema)));
            assertThat(put.status()).as("PUT %s %s: %s", member, schema, put).isEqualTo(422);
            assertThat(put.code()).isEqualTo("invalid_schema");
        }
        assertThat(kernel.api().get("/capability-specs/" + key, kernel.adminToken()).status()).isEqualTo(404);
    }

    @ParameterizedTest
    @ValueSource(strings = {
            "true",
            "{}",
            "{\"type\": [\"object\", \"null\"], \"properties\": {\"text\": {\"$ref\": \"#/$defs/text\"}},"
                    + " \"$defs\": {\"text\": {\"type\": \"string\", \"pattern\": \"^[a-z]+$\"}}}"})
    void aUsableSchemaIsAccepted(String schema) {
        String key = "test.goodschema.n" + Long.toString(System.nanoTime(), 36);
        HttpApi.Response created = kernel.api().post("/capability-specs", kernel.adminToken(),
                Map.of("capability_key", key, "input_schema", HttpApi.JSON.readTree(schema)));
        assertThat(created.status()).as(created.toString()).isEqualTo(201);

        HttpApi.Response job = kernel.api().post("/kernel-jobs", kernel.newAgent().key(),
                Map.of("capability_key", key, "input", Map.of("text", "abc")));
        assertThat(job.status()).as(job.toString()).isEqualTo(201);
    }
}
