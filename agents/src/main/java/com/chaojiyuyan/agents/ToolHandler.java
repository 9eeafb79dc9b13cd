package com.chaojiyuyan.agents;

/**
 * Runs a tool. Arguments arrive already checked against the tool's input schema. A handler returns
 * its errors as values ({@link ToolResult#failure}); an exception it lets escape (the SDK's
 * {@code HebingApiError}, a network failure) is turned into one by {@link ToolErrors}, so nothing but
 * a {@link ToolResult} ever reaches a transport.
 */
@FunctionalInterface
public interface ToolHandler {
    ToolResult handle(Arguments arguments, ToolContext context);
}
