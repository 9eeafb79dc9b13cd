package com.chaojiyuyan.agents;

import java.util.HashSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;

/**
 * An agent of the registry: a named group of tools that belong together (the kernel agent's eight
 * {@code kernel_*} tools, later the workflow lab's personas). An agent declares its tools once; the MCP
 * server and the command line only enumerate them.
 *
 * @param name        short lowercase name, e.g. {@code kernel}
 * @param description what the agent is for, one sentence
 * @param tools       its tools, in the order they are listed
 */
public record Agent(String name, String description, List<AgentTool> tools) {
    public Agent {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(description, "description");
        tools = List.copyOf(tools);
        Set<String> seen = new HashSet<>();
        for (AgentTool tool : tools) {
            if (!seen.add(tool.name())) {
                throw new IllegalArgumentException("agent " + name + " declares tool " + tool.name() + " twice");
            }
        }
    }
}
