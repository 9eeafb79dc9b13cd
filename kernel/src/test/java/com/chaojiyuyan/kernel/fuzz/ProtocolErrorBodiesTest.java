package com.chaojiyuyan.kernel.fuzz;

import static org.assertj.core.api.Assertions.assertThat;

import com.chaojiyuyan.kernel.testing.Db;
import com.chaojiyuyan.kernel.testing.HttpApi;
import com.chaojiyuyan.kernel.testing.TestKernel;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import tools.jackson.databind.JsonNode;

/**
 * Requests Jetty refuses before any route (an undecodable path, oversized headers) get a problem+json
 * body with a code whatever their method: Jetty by default writes error bodies for GET, POST and HEAD
 * only, and answered a malformed DELETE, PUT or PATCH with an empty 400 (found by the fuzzer).
 */
class ProtocolErrorBodiesTest {
    private static TestKernel kernel;

    @BeforeAll
    static void start() {
        kernel = TestKernel.start(Db.SQLITE);
    }

    @AfterAll
    static void stop() {
        kernel.close();
    }

    @ParameterizedTest
    @ValueSource(strings = {"GET", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"})
    void undecodablePathsAndOversizedHeadersAnswerProblemsForEveryMethod(String method) throws Exception {
        RawHttp.Answer badUtf8 = RawHttp.exchange(kernel.server().port(), method, "/api/v1/agents/%C0%AF/keys/x", List.of(), null);
        assertProblem(badUtf8, 400);
        RawHttp.Answer huge = RawHttp.exchange(kernel.server().port(), method, "/api/v1/me",
                List.<String[]>of(new String[] {"X-Huge", "a".repeat(20_000)}), null);
        assertProblem(huge, 431);
    }

    private static void assertProblem(RawHttp.Answer answer, int status) {
        assertThat(answer.status()).isEqualTo(status);
        assertThat(answer.header("content-type")).as("content type of %s", answer.text()).startsWith("application/problem+json");
        JsonNode body = HttpApi.JSON.readTree(answer.text());
        assertThat(body.get("status").asInt()).isEqualTo(status);
        assertThat(body.get("code").asString()).isNotBlank();
    }
}
