package com.chaojiyuyan.agents;

/**
 * What a tool does to the world, as MCP's tool annotations say it. Clients use these to decide what
 * to run without asking; they must be true, never optimistic.
 *
 * @param readOnlyHint    it changes nothing
 * @param destructiveHint it may destroy or overwrite (only meaningful when not read-only)
 * @param idempotentHint  calling it again with the same arguments has no further effect
 * @param openWorldHint   it reaches beyond the kernel's closed world (e.g. hands input to third-party workers)
 */
public record ToolAnnotations(boolean readOnlyHint, boolean destructiveHint, boolean idempotentHint, boolean openWorldHint) {

    /** Reads the kernel and changes nothing. */
    public static ToolAnnotations readOnly() {
        return new ToolAnnotations(true, false, true, false);
    }
}
