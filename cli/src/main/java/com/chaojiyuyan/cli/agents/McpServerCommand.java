package com.chaojiyuyan.cli.agents;

import com.chaojiyuyan.agents.AgentRegistry;
import com.chaojiyuyan.agents.ToolErrors;
import com.chaojiyuyan.agents.kernel.KernelConnection;
import com.chaojiyuyan.mcp.McpStdioServer;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/**
 * {@code chaojiyuyan mcp-server}: the stdio MCP server Claude Code and Claude Desktop start as a
 * subprocess. Credentials are resolved before serving: without a key it prints one line to stderr and
 * exits 1, having written nothing to stdout.
 */
@Command(name = "mcp-server", mixinStandardHelpOptions = true,
        description = {
            "Run the stdio MCP server (Claude Code, Claude Desktop): every agent tool (kernel_*), over stdin/stdout.",
            "The key comes from CHAOJIYUYAN_API_KEY (or HEBING_API_KEY / NEXUS_API_KEY), else ~/.chaojiyuyan/credentials;"
                    + " the base URL from CHAOJIYUYAN_BASE_URL / HEBING_BASE_URL. Logs go to stderr. Stops when stdin closes."})
public final class McpServerCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Override
    public Integer call() throws InterruptedException {
        KernelConnection kernel = KernelConnection.fromEnv();
        try {
            kernel.requireCredentials();
        } catch (ToolErrors.NotAuthenticated e) {
            System.err.println("chaojiyuyan: error: " + ToolErrors.NOT_AUTHENTICATED + ": no API key: set CHAOJIYUYAN_API_KEY"
                    + " (or HEBING_API_KEY / NEXUS_API_KEY), or run `chaojiyuyan connect`");
            return 1;
        }
        // Opening the HTTP clients (TLS set-up) takes a while: do it while the MCP server starts, not before.
        Thread.ofPlatform().daemon().name("kernel-connect").start(() -> {
            try {
                kernel.open();
            } catch (RuntimeException e) {
                // The first tool call opens again and answers the error.
            }
        });
        try (kernel) {
            new McpStdioServer(AgentRegistry.standard(kernel), AgentsCommand.version(spec)).serveStdio();
            // The client is gone: give back what it claimed and did not submit, for other workers to take at once.
            kernel.releaseClaims("the MCP client disconnected before submitting");
        }
        return 0;
    }
}
