package com.chaojiyuyan.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/** {@code chaojiyuyan serve --help} documents every setting, and is an answer, not a usage error. */
class ServeHelpTest {

    @Test
    void serveHelpListsEverySettingAndSucceeds() {
        Run run = run("serve", "--help");
        assertThat(run.exitCode()).as(run.output()).isZero();
        assertThat(run.output()).contains("Usage: chaojiyuyan serve", "--port", "--data-dir", "--db-url", "--public-url");
        for (String setting : new String[] {"CHAOJIYUYAN_HOST", "CHAOJIYUYAN_PORT", "CHAOJIYUYAN_DATA_DIR", "CHAOJIYUYAN_DB_URL",
                "CHAOJIYUYAN_DB_POOL_SIZE", "CHAOJIYUYAN_PUBLIC_URL", "CHAOJIYUYAN_ADMIN_EMAIL", "CHAOJIYUYAN_ADMIN_PASSWORD",
                "CHAOJIYUYAN_WEBHOOK_ALLOW_PRIVATE", "CHAOJIYUYAN_MAX_BODY_BYTES", "CHAOJIYUYAN_SWEEP_INTERVAL_MS",
                "CHAOJIYUYAN_BLOB_DIR", "CHAOJIYUYAN_MAX_ARTIFACT_BYTES", "CHAOJIYUYAN_MAX_SUBMIT_BYTES"}) {
            assertThat(run.output()).contains(setting);
        }
    }

    @Test
    void versionHelpSucceeds() {
        Run run = run("version", "--help");
        assertThat(run.exitCode()).as(run.output()).isZero();
        assertThat(run.output()).contains("Usage: chaojiyuyan version");
    }

    private record Run(int exitCode, String output) {
    }

    private static Run run(String... args) {
        PrintStream out = System.out;
        PrintStream err = System.err;
        ByteArrayOutputStream captured = new ByteArrayOutputStream();
        PrintStream capture = new PrintStream(captured, true, StandardCharsets.UTF_8);
        System.setOut(capture);
        System.setErr(capture);
        try {
            int code = Main.run(args);
            capture.flush();
            return new Run(code, captured.toString(StandardCharsets.UTF_8));
        } finally {
            System.setOut(out);
            System.setErr(err);
        }
    }
}
