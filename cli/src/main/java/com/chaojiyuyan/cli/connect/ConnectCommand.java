package com.chaojiyuyan.cli.connect;

import com.chaojiyuyan.cli.client.Profile;
import com.chaojiyuyan.cli.console.CliError;
import com.chaojiyuyan.cli.console.Console;
import com.chaojiyuyan.cli.console.Endpoint;
import com.chaojiyuyan.cli.console.Environment;
import com.chaojiyuyan.cli.console.KernelApi;
import com.chaojiyuyan.cli.console.Secrets;
import com.chaojiyuyan.cli.console.VerboseOption;
import com.chaojiyuyan.sdk.Credentials;
import com.chaojiyuyan.sdk.HebingApiError;
import com.chaojiyuyan.sdk.KernelClient;
import java.io.PrintStream;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.JsonNodeFactory;
import tools.jackson.databind.node.ObjectNode;

@Command(name = "connect", mixinStandardHelpOptions = true,
        description = {"Save an agent key and register the MCP server with Claude Code.", "",
                "The key (--api-key, or a browser login through the device flow) goes to ~/.chaojiyuyan/credentials; "
                        + "the MCP server goes into the target (default: ~/.claude.json, Claude Code's user scope).",
                "Only mcpServers.chaojiyuyan in the target changes; other servers and settings stay as they are. "
                        + "The old file is kept as NAME.backup-YYYYMMDDHHMMSS beside it; the new one is written atomically, mode 0600."})
public final class ConnectCommand implements Callable<Integer> {
    static final String LAUNCHER_VARIABLE = "CHAOJIYUYAN_LAUNCHER";

    @Spec
    CommandSpec spec;

    @Option(names = "--api-key", paramLabel = "KEY",
            description = "The agent key (nxt_ag_...) to save; - reads it from stdin. Without it: the device flow.")
    String apiKey;

    @Option(names = "--base-url", paramLabel = "URL",
            description = "The server's API base URL (default: CHAOJIYUYAN_BASE_URL, HEBING_BASE_URL, http://127.0.0.1:8080/api/v1).")
    String baseUrl;

    @Option(names = "--command", paramLabel = "PATH",
            description = "The chaojiyuyan command the MCP client starts (default: this launcher, "
                    + "from " + LAUNCHER_VARIABLE + "; required when running the jar with java -jar).")
    Path command;

    @Mixin
    TargetOptions target;

    @Mixin
    VerboseOption verbose;

    @Override
    public Integer call() {
        Console console = Console.of(spec);
        Path home = Environment.home();
        Path credentials = Credentials.file(home);
        String url = Profile.baseUrl(baseUrl, null, credentials)[0];
        String launcher = launcher();
        McpConfigFile file = McpConfigFile.read(target.target());

        String key = apiKey == null ? null : apiKey.equals("-") ? readKey(console) : apiKey.strip();
        if (key != null) {
            checkAgentKey(url, key);
        }
        // Before the device flow there is no key yet; the diff masks keys anyway, so a placeholder shows the same.
        String shown = key != null ? key : "<the key the browser login gives>";
        JsonNode before = file.entry();
        ObjectNode updated = file.withEntry(entry(launcher, shown, url));
        EntryDiff.print(console, file, before, updated.get(McpConfigFile.SERVERS).get(McpConfigFile.NAME));
        if (target.dryRun) {
            console.note("dry run: nothing written (would save the key to " + credentials + " and write " + file.path() + ")");
            return 0;
        }
        if (!target.yes && !console.confirm("Save the key to " + credentials + " and write mcpServers." + McpConfigFile.NAME
                + " to " + file.path() + "?")) {
            throw CliError.failure("aborted", "not confirmed; nothing was written");
        }
        if (key == null) {
            key = deviceFlow(console, url, home, credentials);
        } else {
            new Credentials(key, url).save(credentials);
        }
        console.note("saved the key " + Secrets.mask(key) + " for " + url + " to " + credentials + " (mode 0600)");
        JsonNode entry = entry(launcher, key, url);
        if (entry.equals(before)) {
            console.note(file.path() + " already had this entry; left as it was");
            return 0;
        }
        Path backup = file.write(file.withEntry(entry));
        console.note("wrote mcpServers." + McpConfigFile.NAME + " to " + file.path() + " (mode 0600"
                + (backup == null ? ", new file)" : "; the previous file is " + backup + ")"));
        console.note("restart Claude Code (or your MCP client) to load the chaojiyuyan tools");
        return 0;
    }

    /** {@code {"type":"stdio","command":...,"args":["mcp-server"],"env":{...}}}. */
    static ObjectNode entry(String launcher, String key, String baseUrl) {
        ObjectNode e = JsonNodeFactory.instance.objectNode();
        e.put("type", "stdio");
        e.put("command", launcher);
        e.putArray("args").add("mcp-server");
        ObjectNode env = e.putObject("env");
        env.put("CHAOJIYUYAN_API_KEY", key);
        env.put("HEBING_BASE_URL", baseUrl);
        return e;
    }

    /**
     * The absolute path the MCP client runs: {@code --command}, else the launcher's own path
     * ({@code bin/chaojiyuyan} exports it). Run as {@code java -jar} there is no launcher to name: the java
     * command line is not something an MCP config should pin, so the user says which command to use.
     */
    private String launcher() {
        Path path;
        if (command != null) {
            path = command;
        } else if (Environment.get(LAUNCHER_VARIABLE) != null) {
            path = Path.of(Environment.get(LAUNCHER_VARIABLE));
        } else {
            throw CliError.usage("no_launcher", "cannot tell which command the MCP client should start: run connect through "
                    + "bin/chaojiyuyan (or a link to it), or pass --command /absolute/path/to/chaojiyuyan");
        }
        if (!path.isAbsolute()) {
            throw CliError.usage("no_launcher", "--command must be an absolute path, not " + path);
        }
        if (!Files.isRegularFile(path) || !Files.isExecutable(path)) {
            throw CliError.usage("no_launcher", path + " is not an executable file");
        }
        return path.toString();
    }

    private static String readKey(Console console) {
        String line = console.readLine();
        if (line == null || line.isBlank()) {
            throw CliError.usage("invalid_key", "--api-key -: no key on stdin");
        }
        return line.strip();
    }

    /** Refuses a key the server does not accept, or an owner token, before anything is written. */
    private static void checkAgentKey(String url, String key) {
        JsonNode me;
        try (KernelApi api = KernelApi.open(url, key)) {
            me = api.get("/me");
        } catch (HebingApiError e) {
            if (e.status() == 401) {
                throw CliError.failure("invalid_key", "the server at " + url + " does not accept this key (" + Secrets.mask(key)
                        + "); nothing was written");
            }
            throw e;
        }
        if (!"agent".equals(me.path("kind").asString(""))) {
            throw CliError.failure("invalid_key", "that is not an agent key (nxt_ag_...): connect needs an agent's key; "
                    + "nothing was written");
        }
    }

    private static String deviceFlow(Console console, String url, Path home, Path credentials) {
        Endpoint.use(url);
        console.out().flush();
        PrintStream out = new PrintStream(System.out, true, StandardCharsets.UTF_8);
        try (KernelClient ignored = KernelClient.builder().baseUrl(url).home(home).output(out)
                .loginDeviceFlow("chaojiyuyan CLI on " + hostname())) {
            // The SDK saved the approved key to the credentials file; the MCP entry needs it too.
            Optional<Credentials> saved = Credentials.read(credentials);
            return saved.orElseThrow(() -> CliError.failure("device_flow", "the login succeeded but no key was saved to " + credentials))
                    .apiKey();
        }
    }

    private static String hostname() {
        try {
            return InetAddress.getLocalHost().getHostName();
        } catch (java.io.IOException e) {
            return "this machine";
        }
    }
}
