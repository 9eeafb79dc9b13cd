package com.chaojiyuyan.kernel.jobs;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import tools.jackson.databind.node.ObjectNode;

/**
 * The {@code artifacts} a job's views list. The artifacts feature plugs in here, as credits do through
 * {@link SettlementHooks}; without it every job lists none.
 */
@FunctionalInterface
public interface JobArtifacts {
    JobArtifacts NONE = job -> List.of();

    /** The job's artifacts as they appear on the wire, in their submitted order. */
    List<ObjectNode> of(Job job);

    /** The artifacts of several jobs by job id, for a listing; an implementation may read them at once. */
    default Map<String, List<ObjectNode>> ofAll(List<Job> jobs) {
        Map<String, List<ObjectNode>> out = new LinkedHashMap<>();
        jobs.forEach(j -> out.put(j.id(), of(j)));
        return out;
    }
}
