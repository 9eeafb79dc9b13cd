package com.chaojiyuyan.sdk.worker;

/**
 * Serves one capability: turns a task into its output (any value Jackson can write, e.g. a {@code Map}).
 * A thrown exception fails the task run: retryably, unless it is a {@link NonRetryableException}.
 */
@FunctionalInterface
public interface TaskHandler {
    /** Does the work of {@code task} and answers the output to submit. */
    Object handle(TaskContext task) throws Exception;
}
