package com.chaojiyuyan.mcp;

import com.chaojiyuyan.agents.AgentRegistry;
import com.chaojiyuyan.agents.AgentTool;
import com.chaojiyuyan.agents.ToolContext;
import com.chaojiyuyan.agents.ToolResult;
import io.modelcontextprotocol.json.McpJsonDefaults;
import io.modelcontextprotocol.json.McpJsonMapper;
import io.modelcontextprotocol.server.McpServer;
import io.modelcontextprotocol.server.McpServerFeatures.SyncToolSpecification;
import io.modelcontextprotocol.server.McpSyncServer;
import io.modelcontextprotocol.server.McpSyncServerExchange;
import io.modelcontextprotocol.server.transport.StdioServerTransportProvider;
import io.modelcontextprotocol.spec.McpSchema;
import java.io.FileDescriptor;
import java.io.FileInputStream;
import java.io.FileOutputStream;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.PrintStream;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * A stdio MCP server serving every tool of an {@link AgentRegistry}, on the official MCP Java SDK.
 *
 * <p>Each registry tool becomes an MCP tool with its input and output schemas and annotations. A success
 * answers {@code structuredContent} (and the same JSON as text, for clients that read only text); an
 * error answers {@code isError: true} with the text {@code {"error":{"code":...,"message":...}}} and no
 * {@code structuredContent}: clients validate structured content against the output schema even on
 * errors. Progress a tool reports becomes {@code notifications/progress} when the request carried a
 * progress token. The SDK runs tool calls concurrently.
 *
 * <p>Standard output carries the protocol and nothing else: {@link #serveStdio} hands the real stdout to
 * the transport and points {@link System#out} at stderr, so no library's println can corrupt the stream.
 */
public final class McpStdioServer {
    /** The server's name in {@code initialize} answers. */
    public static final String NAME = "chaojiyuyan";
    private static final JsonMapper JSON = JsonMapper.builder().build();
    private static final String INSTRUCTIONS = """
            Tools of the chaojiyuyan kernel, a broker of capabilities. As a caller: kernel_list_capabilities to \
            see what can be called, kernel_create_job to call one, kernel_wait_for_job (or kernel_get_job) for the \
            result, kernel_list_artifacts for its files. As a worker: kernel_register_capability_handler once, \
            then kernel_claim_job to take a job and kernel_submit_job to hand in its output. Errors carry a \
            stable code in {"error":{"code","message"}}.""";

    private final AgentRegistry registry;
    private final String version;

    public McpStdioServer(AgentRegistry registry, String version) {
        this.registry = registry;
        this.version = version;
    }

    /**
     * Serves on this process's standard input and output until standard input closes (the client went
     * away). From the start, {@link System#out} writes to standard error.
     */
    public void serveStdio() throws InterruptedException {
        OutputStream protocol = new FileOutputStream(FileDescriptor.out);
        System.setOut(new PrintStream(new FileOutputStream(FileDescriptor.err), true));
        serve(new FileInputStream(FileDescriptor.in), protocol);
    }

    /** Serves on {@code in} and {@code out}; returns when {@code in} ends. */
    public void serve(InputStream in, OutputStream out) throws InterruptedException {
        CountDownLatch ended = new CountDownLatch(1);
        McpJsonMapper mapper = McpJsonDefaults.getMapper();
        McpSyncServer server = McpServer.sync(new StdioServerTransportProvider(mapper, new EndWatch(in, ended), out))
                .serverInfo(NAME, version)
                .instructions(INSTRUCTIONS)
                .capabilities(McpSchema.ServerCapabilities.builder().tools(false).build())
                // Arguments are checked by the registry, so every transport answers bad_arguments alike.
                .validateToolInputs(false)
                .tools(registry.tools().stream().map(t -> specification(t, mapper)).toList())
                .build();
        try {
            ended.await();
        } finally {
            server.close();
        }
    }

    private SyncToolSpecification specification(AgentTool tool, McpJsonMapper mapper) {
        McpSchema.Tool declared = McpSchema.Tool.builder(tool.name(), mapper, tool.inputSchema().toString())
                .title(tool.title())
                .description(tool.description())
                .outputSchema(mapper, tool.outputSchema().toString())
                .annotations(new McpSchema.ToolAnnotations(tool.title(), tool.annotations().readOnlyHint(),
                        tool.annotations().destructiveHint(), tool.annotations().idempotentHint(),
                        tool.annotations().openWorldHint(), null))
                .build();
        return SyncToolSpecification.builder().tool(declared).callHandler((exchange, request) -> {
            JsonNode arguments = JSON.valueToTree(request.arguments() == null ? Map.of() : request.arguments());
            return answer(registry.call(tool.name(), arguments, new ExchangeContext(exchange, request.progressToken())));
        }).build();
    }

    static McpSchema.CallToolResult answer(ToolResult result) {
        return switch (result) {
            case ToolResult.Success success -> McpSchema.CallToolResult.builder()
                    .structuredContent(JSON.convertValue(success.value(), Map.class))
                    .content(List.of(new McpSchema.TextContent(success.value().toString())))
                    .isError(false)
                    .build();
            case ToolResult.Failure failure -> McpSchema.CallToolResult.builder()
                    .content(List.of(new McpSchema.TextContent(failure.error().toJson().toString())))
                    .isError(true)
                    .build();
        };
    }

    /** Progress goes to the client only when it asked for it (a progress token on the request). */
    private record ExchangeContext(McpSyncServerExchange exchange, Object progressToken) implements ToolContext {
        @Override
        public void progress(double progress, Double total, String message) {
            if (progressToken != null) {
                exchange.progressNotification(new McpSchema.ProgressNotification(progressToken, progress, total, message));
            }
        }

        @Override
        public boolean isCancelled() {
            return Thread.currentThread().isInterrupted();
        }
    }

    /** Counts down when the stream ends (or fails): the client has gone and the server may stop. */
    private static final class EndWatch extends FilterInputStream {
        private final CountDownLatch ended;

        EndWatch(InputStream in, CountDownLatch ended) {
            super(in);
            this.ended = ended;
        }

        @Override
        public int read() throws IOException {
            return check(watched(super::read));
        }

        @Override
        public int read(byte[] b, int off, int len) throws IOException {
            return check(watched(() -> super.read(b, off, len)));
        }

        private int watched(IoRead read) throws IOException {
            try {
                return read.read();
            } catch (IOException e) {
                ended.countDown();
                throw e;
            }
        }

        private int check(int n) {
            if (n < 0) {
                ended.countDown();
            }
            return n;
        }

        @FunctionalInterface
        private interface IoRead {
            int read() throws IOException;
        }
    }
}
