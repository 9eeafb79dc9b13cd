package com.chaojiyuyan.cli.connect;

import com.chaojiyuyan.cli.console.CliError;
import com.chaojiyuyan.cli.console.Console;
import com.chaojiyuyan.cli.console.Environment;
import com.chaojiyuyan.cli.console.VerboseOption;
import com.chaojiyuyan.sdk.Credentials;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;
import tools.jackson.databind.JsonNode;

@Command(name = "disconnect", mixinStandardHelpOptions = true,
        description = {"Undo connect: delete the saved key and the MCP server entry.", "",
                "Deletes ~/.chaojiyuyan/credentials and removes mcpServers.chaojiyuyan from the target (same backup, "
                        + "atomic write and mode 0600 as connect). The owner session (login) is left alone."})
public final class DisconnectCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Mixin
    TargetOptions target;

    @Mixin
    VerboseOption verbose;

    @Override
    public Integer call() {
        Console console = Console.of(spec);
        Path credentials = Credentials.file(Environment.home());
        McpConfigFile file = McpConfigFile.read(target.target());
        JsonNode entry = file.entry();
        boolean hasCredentials = Files.exists(credentials);
        if (entry == null && !hasCredentials) {
            console.println("nothing to remove: no " + credentials + ", and no mcpServers." + McpConfigFile.NAME + " in " + file.path());
            return 0;
        }
        List<String> plan = new ArrayList<>();
        if (hasCredentials) {
            plan.add("delete " + credentials);
        }
        if (entry != null) {
            EntryDiff.print(console, file, entry, null);
            plan.add("remove mcpServers." + McpConfigFile.NAME + " from " + file.path());
        } else {
            console.println("no mcpServers." + McpConfigFile.NAME + " in " + file.path());
        }
        if (target.dryRun) {
            console.note("dry run: nothing written (would " + String.join(" and ", plan) + ")");
            return 0;
        }
        if (!target.yes && !console.confirm(capitalised(String.join(" and ", plan)) + "?")) {
            throw CliError.failure("aborted", "not confirmed; nothing was changed");
        }
        if (entry != null) {
            Path backup = file.write(file.withoutEntry());
            console.note("removed mcpServers." + McpConfigFile.NAME + " from " + file.path() + " (the previous file is " + backup + ")");
        }
        if (hasCredentials) {
            Credentials.delete(credentials);
            console.note("deleted " + credentials);
        }
        return 0;
    }

    private static String capitalised(String s) {
        return Character.toUpperCase(s.charAt(0)) + s.substring(1);
    }
}
