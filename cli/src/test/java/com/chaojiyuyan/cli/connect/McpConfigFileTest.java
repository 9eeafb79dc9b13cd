package com.chaojiyuyan.cli.connect;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.chaojiyuyan.cli.console.CliError;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The config-file merge on its own: what a rewrite keeps, where it writes, and when it refuses. */
class McpConfigFileTest {
    private static final String ENTRY_KEY = "nxt_ag_" + "k".repeat(49);

    @Test
    void aRewriteKeepsNumbersOrderAndLayoutOfEverythingElse() throws Exception {
        String original = """
                {
                  "big": 123456789012345678901234567890,
                  "price": 1.50,
                  "exp": 1e3,
                  "text": "caf\\u00e9 \\"quoted\\"",
                  "mcpServers": {
                    "a": {
                      "command": "/bin/a"
                    }
                  },
                  "empty": {},
                  "list": []
                }""";
        Path file = Files.writeString(Files.createTempDirectory("mcp-").resolve("config.json"), original);
        McpConfigFile config = McpConfigFile.read(file);

        config.write(config.withEntry(ConnectCommand.entry("/opt/chaojiyuyan", ENTRY_KEY, "http://h/api/v1")));
        String written = Files.readString(file);

        assertThat(written).startsWith("""
                {
                  "big": 123456789012345678901234567890,
                  "price": 1.50,
                  "exp": 1E+3,
                  "text": "café \\"quoted\\"",
                  "mcpServers": {
                    "a": {
                      "command": "/bin/a"
                    },
                    "chaojiyuyan": {""").endsWith("""
                  },
                  "empty": {},
                  "list": []
                }""");

        McpConfigFile back = McpConfigFile.read(file);
        back.write(back.withoutEntry());
        assertThat(Files.readString(file)).isEqualTo(original.replace("1e3", "1E+3").replace("caf\\u00e9", "café"));
    }

    @Test
    void aSymlinkedConfigIsWrittenWhereTheLinkPointsAndTheLinkStays() throws Exception {
        Path dir = Files.createTempDirectory("mcp-");
        Path real = Files.writeString(dir.resolve("dotfiles-claude.json"), "{\"theme\": \"dark\"}\n");
        Path link = Files.createSymbolicLink(dir.resolve(".claude.json"), real);
        McpConfigFile config = McpConfigFile.read(link);

        Path backup = config.write(config.withEntry(ConnectCommand.entry("/opt/chaojiyuyan", ENTRY_KEY, "http://h/api/v1")));

        assertThat(Files.isSymbolicLink(link)).isTrue();
        assertThat(Files.readString(real)).contains("\"chaojiyuyan\"").endsWith("}\n");
        assertThat(backup.getParent()).isEqualTo(dir);
        assertThat(Files.readString(backup)).isEqualTo("{\"theme\": \"dark\"}\n");
    }

    @Test
    void aFileChangedByAnotherProgramMeanwhileIsNotOverwritten() throws Exception {
        Path file = Files.writeString(Files.createTempDirectory("mcp-").resolve("config.json"), "{}");
        McpConfigFile config = McpConfigFile.read(file);
        Files.writeString(file, "{\"numStartups\": 43}");

        assertThatThrownBy(() -> config.write(config.withEntry(ConnectCommand.entry("/opt/c", ENTRY_KEY, "http://h"))))
                .isInstanceOf(CliError.class).hasMessageContaining("changed while this command ran");
        assertThat(Files.readString(file)).isEqualTo("{\"numStartups\": 43}");
        try (var files = Files.list(file.getParent())) {
            assertThat(files.toList()).isEqualTo(List.of(file));
        }
    }

    @Test
    void aMissingOrEmptyFileReadsAsAnEmptyConfig() throws Exception {
        Path dir = Files.createTempDirectory("mcp-");
        assertThat(McpConfigFile.read(dir.resolve("none.json")).exists()).isFalse();
        McpConfigFile empty = McpConfigFile.read(Files.writeString(dir.resolve("empty.json"), "  \n"));
        assertThat(empty.entry()).isNull();
        assertThat(empty.otherTopLevelMembers()).isZero();
    }
}
