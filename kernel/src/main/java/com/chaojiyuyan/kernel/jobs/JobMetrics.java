package com.chaojiyuyan.kernel.jobs;

/** What the job state machine reports to metrics; recorded after the fact, never consulted. */
public interface JobMetrics {
    void jobCreated(String capabilityKey);

    /** A bid won {@code latencyMs} after the job (last) became queued. */
    void pickedUp(String capabilityKey, long latencyMs);

    void settled(String capabilityKey, JobStatus status);

    void leaseExpired(String capabilityKey);

    JobMetrics NONE = new JobMetrics() {
        @Override public void jobCreated(String capabilityKey) { }
        @Override public void pickedUp(String capabilityKey, long latencyMs) { }
        @Override public void settled(String capabilityKey, JobStatus status) { }
        @Override public void leaseExpired(String capabilityKey) { }
    };
}
