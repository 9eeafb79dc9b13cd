package com.chaojiyuyan.kernel.testing;

import static org.assertj.core.api.Assertions.assertThat;

import tools.jackson.databind.JsonNode;

/** Assertions on RFC 9457 problem answers: the one shape every error of the API has. */
public final class ProblemJson {
    private ProblemJson() {
    }

    /** Asserts {@code r} is a problem+json answer with this status and code; answers its body. */
    public static JsonNode assertProblem(HttpApi.Response r, int status, String code) {
        assertThat(r.status()).as("status of %s", r).isEqualTo(status);
        JsonNode body = assertProblemShape(r);
        assertThat(body.get("code").asString()).as("code of %s", r).isEqualTo(code);
        return body;
    }

    /** Asserts {@code r} is a problem+json answer with every member the contract promises; answers its body. */
    public static JsonNode assertProblemShape(HttpApi.Response r) {
        assertThat(r.header("Content-Type")).as("content type of %s", r).startsWith("application/problem+json");
        JsonNode body = r.json();
        assertThat(body).as("body of %s", r).isNotNull();
        assertThat(body.isObject()).as("body of %s is an object", r).isTrue();
        for (String member : new String[] {"type", "title", "status", "code", "detail", "request_id"}) {
            assertThat(body.hasNonNull(member)).as("member %s in %s", member, r).isTrue();
        }
        assertThat(body.get("status").asInt()).as("status member of %s", r).isEqualTo(r.status());
        assertThat(body.get("code").asString()).as("code of %s", r).isNotBlank();
        assertThat(body.get("request_id").asString()).as("request_id of %s", r).startsWith("req_")
                .isEqualTo(r.header("X-Request-Id"));
        return body;
    }
}
