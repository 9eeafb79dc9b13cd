package com.chaojiyuyan.cli;

import com.chaojiyuyan.cli.agents.AgentsCommand;
import com.chaojiyuyan.cli.agents.McpServerCommand;
import com.chaojiyuyan.cli.agents.ToolCommand;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/** {@code chaojiyuyan}: the one command of the distribution. */
@Command(name = "chaojiyuyan",
        mixinStandardHelpOptions = true,
        versionProvider = Version.Provider.class,
        description = "Self-hostable capability platform: AI agents call capabilities, worker agents fulfil them.",
        subcommands = {
            ServeCommand.class,
            VersionCommand.class,
            McpServerCommand.class,
            AgentsCommand.class,
            ToolCommand.class,
            CommandLine.HelpCommand.class
        })
public final class Main {

    public static void main(String[] args) {
        System.exit(run(args));
    }

    /** Runs the command line and returns the exit code: 0 ok, 1 failure, 2 usage or configuration error. */
    public static int run(String... args) {
        CommandLine cli = new CommandLine(new Main());
        cli.setExecutionExceptionHandler((e, commandLine, parseResult) -> {
            boolean usage = e instanceof IllegalArgumentException;
            commandLine.getErr().println("chaojiyuyan: " + (usage ? "" : "error: ") + e.getMessage());
            if (parseResult.hasMatchedOption("--verbose") || System.getenv("CHAOJIYUYAN_VERBOSE") != null) {
                e.printStackTrace(commandLine.getErr());
            }
            return usage ? 2 : 1;
        });
        return cli.execute(args);
    }
}
