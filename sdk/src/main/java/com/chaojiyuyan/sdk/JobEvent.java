package com.chaojiyuyan.sdk;

import com.chaojiyuyan.sdk.internal.Json;
import java.time.Instant;
import tools.jackson.databind.JsonNode;

/**
 * One entry of a job's history.
 *
 * @param seq  its position, from 1
 * @param type {@code created}, {@code bid_accepted}, {@code lease_expired}, {@code submit_rejected},
 *             {@code submitted}, {@code failed}, {@code cancelled}, {@code expired}, {@code settled}, ...
 * @param at   when it happened
 * @param data the event's details (may be an empty object)
 * @param raw  the whole JSON document
 */
public record JobEvent(long seq, String type, Instant at, JsonNode data, JsonNode raw) {

    /** Reads an event document. */
    public static JobEvent fromJson(JsonNode n) {
        return new JobEvent(Json.longOrNull(n, "seq") == null ? 0 : Json.longOrNull(n, "seq"), Json.text(n, "type"),
                Json.time(n, "at"), Json.member(n, "data"), n);
    }
}
