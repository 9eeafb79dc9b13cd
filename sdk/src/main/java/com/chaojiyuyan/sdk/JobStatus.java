package com.chaojiyuyan.sdk;

import java.util.Locale;

/** A kernel job's status. {@link #UNKNOWN} stands for a status this SDK version does not know yet. */
public enum JobStatus {
    /** Open for bids. */
    QUEUED,
    /** A worker's task run holds the lease. */
    RUNNING,
    /** Finished with an output (terminal). */
    SUCCEEDED,
    /** Finished without one; see {@link Job#error()} (terminal). */
    FAILED,
    /** Cancelled by its caller (terminal). */
    CANCELLED,
    /** Not finished within its time to live (terminal). */
    EXPIRED,
    /** A status newer than this SDK; {@link Job#raw()} holds the text. */
    UNKNOWN;

    /** Whether the job is over: succeeded, failed, cancelled or expired. A terminal job may be a failure. */
    public boolean isTerminal() {
        return this == SUCCEEDED || this == FAILED || this == CANCELLED || this == EXPIRED;
    }

    /** The wire form, e.g. {@code "succeeded"}. */
    public String wire() {
        return name().toLowerCase(Locale.ROOT);
    }

    /** Parses the wire form; unknown text gives {@link #UNKNOWN}. */
    public static JobStatus parse(String wire) {
        if (wire == null) {
            return UNKNOWN;
        }
        for (JobStatus s : values()) {
            if (s != UNKNOWN && s.wire().equals(wire)) {
                return s;
            }
        }
        return UNKNOWN;
    }
}
