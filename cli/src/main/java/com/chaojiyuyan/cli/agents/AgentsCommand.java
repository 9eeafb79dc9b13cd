package com.chaojiyuyan.cli.agents;

import com.chaojiyuyan.agents.Agent;
import com.chaojiyuyan.agents.AgentRegistry;
import com.chaojiyuyan.agents.AgentTool;
import com.chaojiyuyan.agents.ToolAnnotations;
import com.chaojiyuyan.agents.kernel.KernelConnection;
import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.JsonNodeFactory;
import tools.jackson.databind.node.ObjectNode;

/** {@code chaojiyuyan agents list}: the agents of the registry and their tools (what the MCP server serves). */
@Command(name = "agents", mixinStandardHelpOptions = true,
        description = "The agents and their tools, as the MCP server serves them; `chaojiyuyan tool` calls one.",
        subcommands = AgentsCommand.ListCommand.class)
public final class AgentsCommand {
    static final JsonMapper JSON = JsonMapper.builder().build();

    /** The version picocli reports for the root command ("chaojiyuyan X" → "X"). */
    static String version(CommandSpec spec) {
        String[] version = spec.root().version();
        return version.length == 0 ? "unknown" : version[0].replaceFirst("^chaojiyuyan ", "");
    }

    @Command(name = "list", mixinStandardHelpOptions = true, description = "List every agent and its tools (no credentials needed).")
    static final class ListCommand implements Callable<Integer> {
        @Spec
        CommandSpec spec;

        @Option(names = "--json", description = "Machine output: every tool with its schemas and annotations.")
        boolean json;

        @Override
        public Integer call() {
            // Listing touches no kernel: the connection is only opened by a tool call.
            AgentRegistry registry = AgentRegistry.standard(KernelConnection.fromEnv());
            PrintWriter out = spec.commandLine().getOut();
            if (json) {
                out.println(JSON.writeValueAsString(toJson(registry)));
            } else {
                for (Agent agent : registry.agents()) {
                    out.println(agent.name() + ": " + agent.description());
                    int width = agent.tools().stream().mapToInt(t -> t.name().length()).max().orElse(4);
                    out.printf("  %-" + width + "s  %-6s  %-22s  %s%n", "TOOL", "SCOPE", "EFFECTS", "TITLE");
                    for (AgentTool tool : agent.tools()) {
                        out.printf("  %-" + width + "s  %-6s  %-22s  %s%n", tool.name(), tool.scope().label(),
                                effects(tool.annotations()), tool.title());
                    }
                }
            }
            out.flush();
            return 0;
        }
    }

    private static String effects(ToolAnnotations a) {
        List<String> words = new ArrayList<>();
        words.add(a.readOnlyHint() ? "read-only" : a.destructiveHint() ? "destructive" : "writes");
        if (a.idempotentHint() && !a.readOnlyHint()) {
            words.add("idempotent");
        }
        if (a.openWorldHint()) {
            words.add("open-world");
        }
        return String.join(", ", words);
    }

    static ObjectNode toJson(AgentRegistry registry) {
        ArrayNode agents = JsonNodeFactory.instance.arrayNode();
        for (Agent agent : registry.agents()) {
            ObjectNode a = agents.addObject();
            a.put("name", agent.name());
            a.put("description", agent.description());
            ArrayNode tools = a.putArray("tools");
            for (AgentTool tool : agent.tools()) {
                ObjectNode t = tools.addObject();
                t.put("name", tool.name());
                t.put("scope", tool.scope().label());
                t.put("title", tool.title());
                t.put("description", tool.description());
                ObjectNode annotations = t.putObject("annotations");
                annotations.put("readOnlyHint", tool.annotations().readOnlyHint());
                annotations.put("destructiveHint", tool.annotations().destructiveHint());
                annotations.put("idempotentHint", tool.annotations().idempotentHint());
                annotations.put("openWorldHint", tool.annotations().openWorldHint());
                t.set("input_schema", tool.inputSchema());
                t.set("output_schema", tool.outputSchema());
            }
        }
        ObjectNode out = JsonNodeFactory.instance.objectNode();
        out.set("agents", agents);
        return out;
    }
}
