package com.chaojiyuyan.sdk.worker;

import com.chaojiyuyan.sdk.HebingApiError;
import java.util.ArrayList;
import java.util.List;
import tools.jackson.databind.JsonNode;

/** The one place where the kernel's error codes become worker exceptions. */
final class WorkerErrors {
    private WorkerErrors() {
    }

    /** The worker exception for {@code e} from a heartbeat, submit or fail; {@code e} itself when none fits. */
    static RuntimeException forRun(HebingApiError e, String jobId) {
        String message = e.getMessage();
        return switch (e.code()) {
            case "worker_not_enabled" -> new WorkerNotEnabled(e.status(), e.code(), jobId, message, e);
            case "capability_not_registered" -> new CapabilityNotRegistered(e.status(), e.code(), jobId, message, e);
            case "task_run_not_found" -> new TaskRunNotFound(e.status(), e.code(), jobId, message, e);
            case "lease_expired", "job_terminal" -> new LeaseExpired(e.status(), e.code(), jobId, message, e);
            case "submit_validation_failed" -> new SubmitValidationFailed(jobId, message, errors(e.body()),
                    e.body() == null || e.body().get("submit_attempts_left") == null ? 0 : e.body().get("submit_attempts_left").asInt(), e);
            default -> e;
        };
    }

    /** The worker exception for {@code e} from a bid: 410s mean the bid cannot win. */
    static RuntimeException forBid(HebingApiError e, String jobId) {
        if (e.status() == 410) {
            return new BidRejected(e.status(), e.code(), jobId, e.getMessage(), e);
        }
        return forRun(e, jobId);
    }

    /** For the available long-poll: only the not-a-worker refusal has its own type. */
    static RuntimeException forPoll(HebingApiError e) {
        return "worker_not_enabled".equals(e.code()) ? new WorkerNotEnabled(e.status(), e.code(), null, e.getMessage(), e) : e;
    }

    private static List<String> errors(JsonNode body) {
        List<String> out = new ArrayList<>();
        JsonNode errors = body == null ? null : body.get("errors");
        if (errors != null) {
            errors.forEach(n -> out.add(n.isString() ? n.asString() : n.toString()));
        }
        return out;
    }
}
