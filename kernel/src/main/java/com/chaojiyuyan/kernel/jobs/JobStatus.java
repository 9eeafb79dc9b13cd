package com.chaojiyuyan.kernel.jobs;

import java.util.Locale;

/** queued → running → succeeded | failed | cancelled | expired (the last four are terminal). */
public enum JobStatus {
    QUEUED, RUNNING, SUCCEEDED, FAILED, CANCELLED, EXPIRED;

    public String wire() {
        return name().toLowerCase(Locale.ROOT);
    }

    public boolean isTerminal() {
        return this != QUEUED && this != RUNNING;
    }

    public static JobStatus fromWire(String s) {
        return valueOf(s.toUpperCase(Locale.ROOT));
    }

    /** Parses a status given by a client, or null when it is not one. */
    public static JobStatus parse(String s) {
        for (JobStatus status : values()) {
            if (status.wire().equals(s)) {
                return status;
            }
        }
        return null;
    }
}
