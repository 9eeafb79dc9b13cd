package com.chaojiyuyan.sdk.worker;

/** 404 {@code task_run_not_found}: the heartbeat or submit named a run that no longer holds the job: it was re-routed to another run after this one's lease expired. */
public class TaskRunNotFound extends WorkerError {
    /** See {@link WorkerError#WorkerError(int, String, String, String, Throwable)}. */
    public TaskRunNotFound(int status, String code, String jobId, String message, Throwable cause) {
        super(status, code, jobId, message, cause);
    }
}
