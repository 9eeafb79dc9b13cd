package com.chaojiyuyan.sdk.worker;

import java.util.List;

/**
 * 422 {@code submit_validation_failed}: the output does not match the capability's output schema. The run
 * keeps its lease and may submit again while {@link #submitAttemptsLeft()} is above zero; at zero the
 * kernel has ended the run as failed.
 */
public class SubmitValidationFailed extends WorkerError {
    private final List<String> errors;
    private final int submitAttemptsLeft;

    /** A rejected submit with the schema {@code errors} and the submits the run has left. */
    public SubmitValidationFailed(String jobId, String message, List<String> errors, int submitAttemptsLeft, Throwable cause) {
        super(422, "submit_validation_failed", jobId, message, cause);
        this.errors = List.copyOf(errors);
        this.submitAttemptsLeft = submitAttemptsLeft;
    }

    /** What is wrong with the output, one message per schema violation. */
    public List<String> errors() {
        return errors;
    }

    /** How many more submits the run may make. */
    public int submitAttemptsLeft() {
        return submitAttemptsLeft;
    }
}
