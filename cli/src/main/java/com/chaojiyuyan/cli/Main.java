package com.chaojiyuyan.cli;

import com.chaojiyuyan.cli.agents.AgentsCommand;
import com.chaojiyuyan.cli.agents.McpServerCommand;
import com.chaojiyuyan.cli.agents.ToolCommand;
import com.chaojiyuyan.cli.admin.AdminCommand;
import com.chaojiyuyan.cli.admin.LoginCommand;
import com.chaojiyuyan.cli.admin.LogoutCommand;
import com.chaojiyuyan.cli.client.CallCommand;
import com.chaojiyuyan.cli.client.CancelCommand;
import com.chaojiyuyan.cli.client.CapabilitiesCommand;
import com.chaojiyuyan.cli.client.EventsCommand;
import com.chaojiyuyan.cli.client.JobsCommand;
import com.chaojiyuyan.cli.client.StatusCommand;
import com.chaojiyuyan.cli.connect.ConnectCommand;
import com.chaojiyuyan.cli.connect.DisconnectCommand;
import com.chaojiyuyan.cli.console.CliError;
import com.chaojiyuyan.cli.console.Endpoint;
import com.chaojiyuyan.cli.worker.WorkerCommand;
import com.chaojiyuyan.sdk.DeviceFlowError;
import com.chaojiyuyan.sdk.DeviceFlowTimeout;
import com.chaojiyuyan.sdk.HebingApiError;
import com.chaojiyuyan.sdk.HebingError;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.ParseResult;

/** {@code chaojiyuyan}: the one command of the distribution. */
@Command(name = "chaojiyuyan",
        mixinStandardHelpOptions = true,
        versionProvider = Version.Provider.class,
        description = "Self-hostable capability platform: AI agents call capabilities, worker agents fulfil them.",
        subcommands = {
                ServeCommand.class,
                ConnectCommand.class,
                DisconnectCommand.class,
                StatusCommand.class,
                CapabilitiesCommand.class,
                CallCommand.class,
                JobsCommand.class,
                EventsCommand.class,
                CancelCommand.class,
                WorkerCommand.class,
                LoginCommand.class,
                LogoutCommand.class,
                AdminCommand.class,
                McpServerCommand.class,
                AgentsCommand.class,
                ToolCommand.class,
                CompletionCommand.class,
                VersionCommand.class,
                CommandLine.HelpCommand.class,
        })
public final class Main {

    public static void main(String[] args) {
        System.exit(run(args));
    }

    /** Runs the command line and returns the exit code: 0 ok, 1 failure, 2 usage or configuration error. */
    public static int run(String... args) {
        CommandLine cli = new CommandLine(new Main());
        // "@file" is how `call --input @file` names its input: not picocli's argument files.
        cli.setExpandAtFiles(false);
        giveEveryCommandTheVersion(cli);
        cli.setParameterExceptionHandler(Main::usageError);
        cli.setExecutionExceptionHandler(Main::executionError);
        return cli.execute(args);
    }

    /** {@code chaojiyuyan <any command> --version} answers the distribution's version. */
    private static void giveEveryCommandTheVersion(CommandLine command) {
        if (command.getCommandSpec().versionProvider() == null && command.getCommandSpec().version().length == 0) {
            command.getCommandSpec().versionProvider(new Version.Provider());
        }
        command.getSubcommands().values().forEach(Main::giveEveryCommandTheVersion);
    }

    /** A usage error: one line naming the problem and where help is; exit 2. */
    private static int usageError(CommandLine.ParameterException e, String[] args) {
        CommandLine cl = e.getCommandLine();
        PrintWriter err = cl.getErr();
        String message = e.getMessage() == null ? "invalid command line" : e.getMessage().replace('\n', ' ');
        err.println("chaojiyuyan: error: usage: " + message + " (see '" + cl.getCommandSpec().qualifiedName() + " --help')");
        err.flush();
        return CliError.USAGE;
    }

    private static int executionError(Exception thrown, CommandLine commandLine, ParseResult parseResult) {
        Throwable e = thrown instanceof CommandLine.ExecutionException && thrown.getCause() != null ? thrown.getCause() : thrown;
        PrintWriter err = commandLine.getErr();
        int exit = CliError.FAILURE;
        String line;
        if (e instanceof CliError c) {
            line = "error: " + c.code() + ": " + c.getMessage();
            exit = c.exitCode();
        } else if (e instanceof HebingApiError api) {
            line = "error: " + api.code() + ": " + (api.detail() != null ? api.detail() : "the server answered HTTP " + api.status())
                    + (api.status() >= 500 && api.requestId() != null ? " [request " + api.requestId() + "]" : "");
        } else if (e instanceof DeviceFlowError d) {
            line = "error: " + d.error() + ": " + d.getMessage();
        } else if (e instanceof DeviceFlowTimeout) {
            line = "error: device_flow_timeout: " + e.getMessage();
        } else if (e instanceof HebingError) {
            line = "error: not_connected: " + e.getMessage();
        } else if (e instanceof UncheckedIOException io && io.getCause() != null
                && !(io.getCause() instanceof java.nio.file.FileSystemException)) {
            line = "error: unreachable: " + Endpoint.describe(io);
        } else if (e instanceof IllegalArgumentException) {
            // Settings of `serve` (CHAOJIYUYAN_* values) are configuration errors.
            line = e.getMessage();
            exit = CliError.USAGE;
        } else {
            line = "error: internal: " + e;
        }
        err.println("chaojiyuyan: " + line.replace('\n', ' '));
        if (verbose(parseResult)) {
            e.printStackTrace(err);
        }
        err.flush();
        return exit;
    }

    private static boolean verbose(ParseResult parseResult) {
        String env = System.getenv("CHAOJIYUYAN_VERBOSE");
        if (env != null && !env.isBlank() && !env.equals("0") && !env.equalsIgnoreCase("false")) {
            return true;
        }
        for (ParseResult p = parseResult; p != null; p = p.subcommand()) {
            if (p.hasMatchedOption("--verbose")) {
                return true;
            }
        }
        return false;
    }
}
