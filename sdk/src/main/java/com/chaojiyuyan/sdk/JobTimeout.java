package com.chaojiyuyan.sdk;

/**
 * {@link KernelClient#waitFor} ran out of time before the job reached a terminal status. The job itself
 * carries on; {@link #lastSeen()} is how it looked at the last read.
 */
public class JobTimeout extends HebingError {
    private final transient Job lastSeen;

    /** A timeout for the job last seen as {@code lastSeen}. */
    public JobTimeout(Job lastSeen, String message) {
        super(message);
        this.lastSeen = lastSeen;
    }

    /** The job's id. */
    public String jobId() {
        return lastSeen.id();
    }

    /** The job as last read, still not terminal. */
    public Job lastSeen() {
        return lastSeen;
    }
}
