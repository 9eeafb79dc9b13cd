package com.chaojiyuyan.sdk;

import java.util.List;

/**
 * One page of {@link KernelClient#listJobs(JobQuery)}, newest first.
 *
 * @param items      the jobs on this page
 * @param nextCursor pass to {@link JobQuery#cursor(String)} for the next page; null on the last one
 */
public record JobPage(List<Job> items, String nextCursor) {
    /** Whether another page follows. */
    public boolean hasMore() {
        return nextCursor != null;
    }
}
