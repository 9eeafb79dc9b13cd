package com.chaojiyuyan.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** Getting the command onto PATH ({@code bin/install}) and shell completion ({@code chaojiyuyan completion}). */
class InstallAndCompletionTest {

    @Test
    void installLinksTheLauncherIntoABinDirectoryAndUninstallRemovesIt() throws Exception {
        Path binDir = Files.createTempDirectory("cjy-bin-").resolve("bin");
        Process install = new ProcessBuilder(CliProcess.ROOT.resolve("bin/install").toString(), "--bin-dir", binDir.toString())
                .redirectErrorStream(true).start();
        String output = new String(install.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(install.waitFor(30, TimeUnit.SECONDS)).isTrue();
        assertThat(install.exitValue()).as(output).isZero();
        Path link = binDir.resolve("chaojiyuyan");
        assertThat(Files.isSymbolicLink(link)).isTrue();
        assertThat(link.toRealPath()).isEqualTo(CliProcess.LAUNCHER.toRealPath());
        assertThat(output).contains("not on your PATH");

        Process uninstall = new ProcessBuilder(CliProcess.ROOT.resolve("bin/install").toString(), "--bin-dir", binDir.toString(),
                "--uninstall").redirectErrorStream(true).start();
        uninstall.getInputStream().readAllBytes();
        assertThat(uninstall.waitFor(30, TimeUnit.SECONDS)).isTrue();
        assertThat(link).doesNotExist();
    }

    @Test
    void completionPrintsAScriptThatKnowsEverySubcommand() {
        String[] run = run("completion", "bash");
        assertThat(run[0]).isEqualTo("0");
        assertThat(run[1]).contains("complete -F", "connect", "disconnect", "capabilities", "worker", "admin", "--dry-run");
        assertThat(run("completion", "zsh")[1]).contains("bashcompinit");

        String[] fish = run("completion", "fish");
        assertThat(fish[0]).isEqualTo("2");
        assertThat(fish[2].strip()).startsWith("chaojiyuyan: error: invalid_parameter: ");
    }

    private static String[] run(String... args) {
        PrintStream oldOut = System.out;
        PrintStream oldErr = System.err;
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        try {
            System.setOut(new PrintStream(out, true, StandardCharsets.UTF_8));
            System.setErr(new PrintStream(err, true, StandardCharsets.UTF_8));
            int exit = Main.run(args);
            return new String[] {Integer.toString(exit), out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8)};
        } finally {
            System.setOut(oldOut);
            System.setErr(oldErr);
        }
    }
}
