package com.chaojiyuyan.sdk;

/**
 * Filters and paging for {@link KernelClient#listJobs(JobQuery)}; every member is optional.
 * Build with {@link #all()} and the {@code with}-style methods: {@code JobQuery.all().status(JobStatus.FAILED).limit(20)}.
 *
 * @param status        only jobs in this status, or null for all
 * @param capabilityKey only jobs of this capability, or null for all
 * @param limit         page size (1..200), or null for the server's default (50)
 * @param cursor        a {@link JobPage#nextCursor()} from the previous page, or null for the first
 */
public record JobQuery(JobStatus status, String capabilityKey, Integer limit, String cursor) {

    /** No filter, first page, default size. */
    public static JobQuery all() {
        return new JobQuery(null, null, null, null);
    }

    /** This query, restricted to {@code status}. */
    public JobQuery status(JobStatus status) {
        return new JobQuery(status, capabilityKey, limit, cursor);
    }

    /** This query, restricted to {@code capabilityKey}. */
    public JobQuery capabilityKey(String capabilityKey) {
        return new JobQuery(status, capabilityKey, limit, cursor);
    }

    /** This query with page size {@code limit}. */
    public JobQuery limit(int limit) {
        return new JobQuery(status, capabilityKey, limit, cursor);
    }

    /** This query, continuing after {@code cursor}. */
    public JobQuery cursor(String cursor) {
        return new JobQuery(status, capabilityKey, limit, cursor);
    }
}
