package com.chaojiyuyan.kernel.http;

import static org.assertj.core.api.Assertions.assertThat;

import com.chaojiyuyan.kernel.testing.ContractTest;
import com.chaojiyuyan.kernel.testing.HttpApi;
import com.chaojiyuyan.kernel.testing.TestKernel;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Input that the two databases, or two readers, could take differently is refused as bad input (4xx
 * with a code) on both databases. NUL characters, which PostgreSQL text cannot hold, wherever they arrive:
 * in body strings, path segments, query parameters (inside JSON input they are data, stored escaped,
 * and round-trip). A member given twice in one object.
 */
class AmbiguousInputTest extends ContractTest {

    @Test
    void aNulInABodyStringIsInvalidRequest() {
        TestKernel.Owner owner = kernel.newOwner();
        HttpApi.Response r = kernel.api().post("/agents", owner.token(), "{\"name\":\"bad\\u0000name\"}");
        assertThat(r.status()).as(r.toString()).isEqualTo(400);
        assertThat(r.code()).isEqualTo("invalid_request");
    }

    @Test
    void aNulInAPathOrQueryIsAnsweredWithoutReachingTheDatabase() {
        TestKernel.Agent caller = kernel.newAgent();
        // Jetty refuses a NUL in the path before routing (400); either way it is a coded 4xx.
        HttpApi.Response path = kernel.api().get("/capability-specs/test%00echo", caller.key());
        assertThat(path.status()).as(path.toString()).isBetween(400, 404);
        assertThat(path.header("Content-Type")).startsWith("application/problem+json");
        assertThat(path.code()).isIn("invalid_request", "not_found");

        HttpApi.Response query = kernel.api().get("/kernel-jobs?capability_key=a%00b", caller.key());
        assertThat(query.status()).as(query.toString()).isEqualTo(400);
        assertThat(query.code()).isEqualTo("invalid_parameter");
    }

    @Test
    void aNulInsideJobInputIsDataAndRoundTrips() {
        TestKernel.Agent caller = kernel.newAgent();
        HttpApi.Response r = kernel.api().post("/kernel-jobs", caller.key(),
                Map.of("capability_key", "test.echo.v1", "input", Map.of("text", "a\u0000b")));
        assertThat(r.status()).as(r.toString()).isEqualTo(201);
        String id = r.json().get("id").asString();
        assertThat(kernel.job(caller, id).get("input").get("text").asString()).isEqualTo("a\u0000b");
    }

    @Test
    void aDuplicatedMemberIsMalformedNotLastOneWins() {
        TestKernel.Owner owner = kernel.newOwner();
        HttpApi.Response r = kernel.api().post("/agents", owner.token(), "{\"name\":\"a\",\"name\":\"b\"}");
        assertThat(r.status()).as(r.toString()).isEqualTo(400);
        assertThat(r.code()).isEqualTo("malformed_json");
    }
}
