package com.chaojiyuyan.cli.connect;

import com.chaojiyuyan.cli.console.CliError;
import com.chaojiyuyan.cli.console.JsonText;
import com.chaojiyuyan.cli.console.PrivateFile;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.JsonNodeFactory;
import tools.jackson.databind.node.ObjectNode;

/**
 * An MCP client's config file ({@code ~/.claude.json}, {@code ~/.claude/mcp.json}, Claude Desktop's
 * {@code claude_desktop_config.json}): a JSON object whose {@code mcpServers} object names the servers to
 * start. Only the {@code mcpServers.chaojiyuyan} member is ever changed; every other member, at any level,
 * keeps its content and its place. A file that is not such an object is refused before anything is written.
 */
final class McpConfigFile {
    static final String SERVERS = "mcpServers";
    static final String NAME = "chaojiyuyan";

    private final Path path;
    private final byte[] original;
    private final ObjectNode document;

    private McpConfigFile(Path path, byte[] original, ObjectNode document) {
        this.path = path;
        this.original = original;
        this.document = document;
    }

    /** Reads {@code path} (a missing or empty file reads as {@code {}}); refuses anything else that is not a JSON object. */
    static McpConfigFile read(Path path) {
        if (Files.isDirectory(path)) {
            throw CliError.failure("invalid_target", path + " is a directory, not an MCP config file");
        }
        if (!Files.exists(path)) {
            return new McpConfigFile(path, null, JsonNodeFactory.instance.objectNode());
        }
        byte[] bytes;
        try {
            bytes = Files.readAllBytes(path);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + path, e);
        }
        String text = new String(bytes, StandardCharsets.UTF_8);
        if (text.isBlank()) {
            return new McpConfigFile(path, bytes, JsonNodeFactory.instance.objectNode());
        }
        JsonNode parsed;
        try {
            parsed = JsonText.parse(text);
        } catch (JacksonException e) {
            String where = e.getLocation() == null ? "" : " at line " + e.getLocation().getLineNr() + ", column " + e.getLocation().getColumnNr();
            throw CliError.failure("invalid_target", path + " is not valid JSON" + where + " (" + e.getOriginalMessage()
                    + "); fix or move it, nothing was written");
        }
        if (!(parsed instanceof ObjectNode object)) {
            throw CliError.failure("invalid_target", path + " holds a JSON " + parsed.getNodeType().name().toLowerCase()
                    + ", not an object; nothing was written");
        }
        JsonNode servers = object.get(SERVERS);
        if (servers != null && !servers.isObject()) {
            throw CliError.failure("invalid_target", path + ": \"" + SERVERS + "\" is a JSON " + servers.getNodeType().name().toLowerCase()
                    + ", not an object; nothing was written");
        }
        return new McpConfigFile(path, bytes, object);
    }

    Path path() {
        return path;
    }

    boolean exists() {
        return original != null;
    }

    /** The current {@code mcpServers.chaojiyuyan}, or null. */
    JsonNode entry() {
        JsonNode servers = document.get(SERVERS);
        return servers == null ? null : servers.get(NAME);
    }

    /** How many other servers and top-level members the file holds (they stay as they are). */
    int otherServers() {
        JsonNode servers = document.get(SERVERS);
        return servers == null ? 0 : servers.size() - (servers.has(NAME) ? 1 : 0);
    }

    int otherTopLevelMembers() {
        return document.size() - (document.has(SERVERS) ? 1 : 0);
    }

    /**
     * The document with {@code entry} as {@code mcpServers.chaojiyuyan}: in its old place when it was there,
     * else last; {@code mcpServers} is added last when missing.
     */
    ObjectNode withEntry(JsonNode entry) {
        ObjectNode copy = document.deepCopy();
        JsonNode servers = copy.get(SERVERS);
        ObjectNode target = servers == null ? copy.putObject(SERVERS) : (ObjectNode) servers;
        target.set(NAME, entry);
        return copy;
    }

    /** The document without {@code mcpServers.chaojiyuyan} ({@code mcpServers} itself stays, even if empty). */
    ObjectNode withoutEntry() {
        ObjectNode copy = document.deepCopy();
        JsonNode servers = copy.get(SERVERS);
        if (servers != null) {
            ((ObjectNode) servers).remove(NAME);
        }
        return copy;
    }

    /**
     * Writes {@code updated}: first a backup of the current file (when there is one), then an atomic replace,
     * mode 0600 (the file holds the key). A symlinked config is written where the link points, so the link
     * stays. Refuses when the file changed since it was read (another program wrote it meanwhile).
     *
     * @return the backup, or null when the file did not exist
     */
    Path write(ObjectNode updated) {
        Path real = path;
        try {
            if (Files.exists(path)) {
                real = path.toRealPath();
            }
            byte[] now = Files.exists(real) ? Files.readAllBytes(real) : null;
            if (!Arrays.equals(now, original)) {
                throw CliError.failure("target_changed", path + " changed while this command ran; run it again");
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + path, e);
        }
        Path backup = original == null ? null : PrivateFile.backup(real, original);
        PrivateFile.write(real, render(updated).getBytes(StandardCharsets.UTF_8));
        return backup;
    }

    /** The file's text for {@code doc}: two-space JSON, ending in a newline unless the original did not. */
    String render(ObjectNode doc) {
        boolean newline = original == null || original.length == 0 || original[original.length - 1] == '\n';
        return JsonText.pretty(doc) + (newline ? "\n" : "");
    }
}
