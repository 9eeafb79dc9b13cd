package com.chaojiyuyan.kernel.jobs;

import java.util.List;
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
}
