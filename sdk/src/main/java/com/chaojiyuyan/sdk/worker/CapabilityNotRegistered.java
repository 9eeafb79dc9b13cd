package com.chaojiyuyan.sdk.worker;

/** 403 {@code capability_not_registered}: this agent does not serve the job's capability. */
public class CapabilityNotRegistered extends WorkerError {
    /** See {@link WorkerError#WorkerError(int, String, String, String, Throwable)}. */
    public CapabilityNotRegistered(int status, String code, String jobId, String message, Throwable cause) {
        super(status, code, jobId, message, cause);
    }
}
