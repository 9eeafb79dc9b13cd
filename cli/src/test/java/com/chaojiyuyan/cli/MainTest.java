package com.chaojiyuyan.cli;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** Exit codes and error lines of the command line: 0 ok, 1 failure, 2 usage or configuration error. */
class MainTest {

    private static InProcessRun run(String... args) {
        return InProcessRun.of(args);
    }

    @Test
    void versionPrintsTheBuildVersion() {
        InProcessRun r = run("version");
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
        InProcessRun r = run("frobnicate");
        assertThat(r.exit()).isEqualTo(2);
        assertThat(r.err()).contains("frobnicate");
    }

    @Test
    void aBadSettingIsOneLineWithoutAStackTrace() {
        InProcessRun r = run("serve", "--db-url", "mysql://nope");
        assertThat(r.exit()).isEqualTo(2);
        assertThat(r.err().strip()).startsWith("chaojiyuyan: CHAOJIYUYAN_DB_URL must be").doesNotContain("\n").doesNotContain("Exception");
    }

    @Test
    void aBadPortIsAUsageError() {
        InProcessRun r = run("serve", "--port", "eighty");
        assertThat(r.exit()).isEqualTo(2);
        assertThat(r.err()).contains("--port");
    }
}
