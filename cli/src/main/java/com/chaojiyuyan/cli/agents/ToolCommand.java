package com.chaojiyuyan.cli.agents;

import com.chaojiyuyan.agents.AgentRegistry;
import com.chaojiyuyan.agents.ToolContext;
import com.chaojiyuyan.agents.ToolResult;
import com.chaojiyuyan.agents.kernel.KernelConnection;
import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.JsonNodeFactory;
import tools.jackson.databind.node.ObjectNode;

/**
 * {@code chaojiyuyan tool <name> --arg k=v ...}: calls any tool of the registry from the shell, exactly
 * as the MCP server would. A value is JSON when it parses as JSON ({@code 5}, {@code true},
 * {@code {"text":"hi"}}), else a string. Errors are one line on stderr,
 * {@code chaojiyuyan: error: <code>: <message>}, and exit 1.
 */
@Command(name = "tool", mixinStandardHelpOptions = true,
        description = {"Call an agent tool (see `chaojiyuyan agents list`), as the MCP server would.",
            "Example: chaojiyuyan tool kernel_create_job --arg capability_key=test.echo.v1 --arg 'input={\"text\":\"hi\"}'",
            "A claim made here is not renewed after the command ends: submit it (with its task_run_id) within its lease."})
public final class ToolCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Parameters(index = "0", paramLabel = "NAME", description = "The tool, e.g. kernel_get_job.")
    String name;

    @Option(names = {"-a", "--arg"}, paramLabel = "KEY=VALUE", description = "An argument (repeatable); VALUE as JSON when it parses, else a string.")
    List<String> args = new ArrayList<>();

    @Option(names = "--json", description = "Print the result as one line of JSON (default: indented).")
    boolean json;

    @Override
    public Integer call() {
        ObjectNode arguments = parse(args);
        boolean showProgress = !json && System.console() != null;
        ToolResult result = AgentRegistry.standard(KernelConnection.fromEnv()).call(name, arguments, new ToolContext() {
            @Override
            public void progress(double progress, Double total, String message) {
                if (showProgress) {
                    System.err.println("… " + message);
                }
            }

            @Override
            public boolean isCancelled() {
                return false;
            }
        });
        PrintWriter out = spec.commandLine().getOut();
        return switch (result) {
            case ToolResult.Success success -> {
                out.println(json ? AgentsCommand.JSON.writeValueAsString(success.value())
                        : AgentsCommand.JSON.writerWithDefaultPrettyPrinter().writeValueAsString(success.value()));
                out.flush();
                yield 0;
            }
            case ToolResult.Failure failure -> {
                PrintWriter err = spec.commandLine().getErr();
                err.println("chaojiyuyan: error: " + failure.error().code() + ": " + failure.error().message());
                err.flush();
                yield 1;
            }
        };
    }

    private ObjectNode parse(List<String> pairs) {
        ObjectNode arguments = JsonNodeFactory.instance.objectNode();
        for (String pair : pairs) {
            int eq = pair.indexOf('=');
            if (eq <= 0) {
                throw new CommandLine.ParameterException(spec.commandLine(), "--arg needs KEY=VALUE, got '" + pair + "'");
            }
            String key = pair.substring(0, eq);
            if (arguments.has(key)) {
                throw new CommandLine.ParameterException(spec.commandLine(), "--arg " + key + " is given twice");
            }
            arguments.set(key, value(pair.substring(eq + 1)));
        }
        return arguments;
    }

    /** JSON when the whole text is one JSON value, else the text itself. */
    static JsonNode value(String text) {
        try {
            JsonNode parsed = AgentsCommand.JSON.readTree(text);
            if (parsed != null && !parsed.isMissingNode()) {
                return parsed;
            }
        } catch (JacksonException notJson) {
            // a plain string
        }
        return JsonNodeFactory.instance.stringNode(text);
    }
}
