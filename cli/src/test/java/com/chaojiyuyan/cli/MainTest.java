package com.chaojiyuyan.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/** Exit codes and error lines of the command line: 0 ok, 1 failure, 2 usage or configuration error. */
class MainTest {

    private record Run(int exit, String out, String err) {
    }

    private static Run run(String... args) {
        PrintStream oldOut = System.out;
        PrintStream oldErr = System.err;
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        try {
            System.setOut(new PrintStream(out, true, StandardCharsets.UTF_8));
            System.setErr(new PrintStream(err, true, StandardCharsets.UTF_8));
            int exit = Main.run(args);
            return new Run(exit, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
        } finally {
            System.setOut(oldOut);
            System.setErr(oldErr);
        }
    }

    @Test
    void versionPrintsTheBuildVersion() {
        Run r = run("version");
        assertThat(r.exit()).isZero();
        assertThat(r.out()).startsWith("chaojiyuyan ").doesNotContain("unknown");
    }

    @Test
    void everyCommandAnswersTheVersionAndVersionSpeaksJson() {
        assertThat(run("call", "--version").out()).startsWith("chaojiyuyan ").doesNotContain("unknown");
        assertThat(run("admin", "agents", "list", "--version").out()).startsWith("chaojiyuyan ");
        assertThat(run("version", "--json").out()).matches("\\{\"version\": \"[^\"]+\"\\}\\s*");
    }

    @Test
    void anUnknownCommandIsAUsageError() {
        Run r = run("frobnicate");
        assertThat(r.exit()).isEqualTo(2);
        assertThat(r.err()).contains("frobnicate");
    }

    @Test
    void aBadSettingIsOneLineWithoutAStackTrace() {
        Run r = run("serve", "--db-url", "mysql://nope");
        assertThat(r.exit()).isEqualTo(2);
        assertThat(r.err().strip()).startsWith("chaojiyuyan: CHAOJIYUYAN_DB_URL must be").doesNotContain("\n").doesNotContain("Exception");
    }

    @Test
    void aBadPortIsAUsageError() {
        Run r = run("serve", "--port", "eighty");
        assertThat(r.exit()).isEqualTo(2);
        assertThat(r.err()).contains("--port");
    }
}
