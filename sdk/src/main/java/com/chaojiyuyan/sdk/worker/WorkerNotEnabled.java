package com.chaojiyuyan.sdk.worker;

/** 403 {@code worker_not_enabled}: this agent has registered no capability handler yet ({@link Worker#registerHandlers()} does). */
public class WorkerNotEnabled extends WorkerError {
    /** See {@link WorkerError#WorkerError(int, String, String, String, Throwable)}. */
    public WorkerNotEnabled(int status, String code, String jobId, String message, Throwable cause) {
        super(status, code, jobId, message, cause);
    }
}
