package com.chaojiyuyan.kernel.jobs;

/** One entry of a job's ordered history; {@code data} is JSON text. */
public record JobEvent(String jobId, long seq, String type, long at, String data) {
    /** The event after which nothing more happens to the job's state: the stream of events may end. */
    public static final String SETTLED = "settled";
}
