package com.chaojiyuyan.cli.connect;

import com.chaojiyuyan.cli.console.Environment;
import java.nio.file.Path;
import picocli.CommandLine.Option;

/** Where the MCP entry goes, and how carefully: shared by {@code connect} and {@code disconnect}. */
public final class TargetOptions {
    @Option(names = "--target", paramLabel = "PATH",
            description = "The MCP config file to change (default: ~/.claude.json, Claude Code's user scope). E.g. "
                    + "~/.claude/mcp.json, or Claude Desktop's claude_desktop_config.json.")
    Path target;

    @Option(names = "--dry-run", description = "Print the change and write nothing at all.")
    boolean dryRun;

    @Option(names = {"-y", "--yes"}, description = "Do not ask for confirmation.")
    boolean yes;

    Path target() {
        return target != null ? target.toAbsolutePath() : Environment.home().resolve(".claude.json");
    }
}
