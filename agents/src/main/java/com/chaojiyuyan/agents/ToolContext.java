package com.chaojiyuyan.agents;

/**
 * What a running tool may tell its caller, and ask of it: progress while it waits, and whether the
 * caller has given up. Each transport supplies its own (MCP progress notifications; stderr lines).
 */
public interface ToolContext {
    /** A context that reports nothing and is never cancelled. */
    ToolContext NONE = new ToolContext() {
        @Override
        public void progress(double progress, Double total, String message) {
        }

        @Override
        public boolean isCancelled() {
            return false;
        }
    };

    /**
     * Reports progress: {@code progress} grows with every call; {@code total} is the expected end, or null
     * when unknown; {@code message} says what is happening, for a person.
     */
    void progress(double progress, Double total, String message);

    /** Whether the caller no longer wants the result; long-running tools stop early when it is. */
    boolean isCancelled();
}
