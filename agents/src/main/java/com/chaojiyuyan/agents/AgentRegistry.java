package com.chaojiyuyan.agents;

import com.chaojiyuyan.agents.kernel.KernelAgent;
import com.chaojiyuyan.agents.kernel.KernelConnection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import tools.jackson.databind.JsonNode;

/**
 * Every agent and its tools: what the MCP server serves and the command line lists and calls. Tool names
 * are unique across agents.
 *
 * <p>Adding an agent is one new class declaring it (its tools, schemas and handlers; see {@link KernelAgent})
 * and one line in {@link #standard}. Transports never change for it.
 */
public final class AgentRegistry {
    private final List<Agent> agents;
    private final Map<String, AgentTool> tools = new LinkedHashMap<>();

    public AgentRegistry(List<Agent> agents) {
        this.agents = List.copyOf(agents);
        for (Agent agent : this.agents) {
            for (AgentTool tool : agent.tools()) {
                if (tools.putIfAbsent(tool.name(), tool) != null) {
                    throw new IllegalArgumentException("two agents declare the tool " + tool.name());
                }
            }
        }
    }

    /** The agents this distribution ships, over one kernel connection. */
    public static AgentRegistry standard(KernelConnection kernel) {
        return new AgentRegistry(List.of(
                KernelAgent.create(kernel)
                // the workflow lab's agent (agents_lab_workflow_designer, ...) is registered here
        ));
    }

    public List<Agent> agents() {
        return agents;
    }

    /** Every tool, agent by agent, in declaration order. */
    public List<AgentTool> tools() {
        return List.copyOf(tools.values());
    }

    public Optional<AgentTool> tool(String name) {
        return Optional.ofNullable(tools.get(name));
    }

    /**
     * Calls a tool: checks the arguments against its input schema ({@code bad_arguments} with every
     * problem when they do not fit), runs the handler, and turns whatever it throws into an error value.
     * Never throws.
     */
    public ToolResult call(String name, JsonNode arguments, ToolContext context) {
        AgentTool tool = tools.get(name);
        if (tool == null) {
            return ToolResult.failure(ToolErrors.UNKNOWN_TOOL, "no tool named '" + name + "'; known: " + String.join(", ", tools.keySet()));
        }
        List<String> problems = Arguments.check(tool.inputSchema(), arguments);
        if (!problems.isEmpty()) {
            return ToolResult.failure(ToolErrors.BAD_ARGUMENTS, String.join("; ", problems));
        }
        try {
            return tool.handler().handle(Arguments.of(arguments), context);
        } catch (RuntimeException e) {
            return ToolResult.failure(ToolErrors.from(e));
        }
    }
}
