package com.chaojiyuyan.kernel;

import static org.assertj.core.api.Assertions.assertThat;

import com.chaojiyuyan.kernel.testing.Db;
import com.chaojiyuyan.kernel.testing.TestKernel;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import tools.jackson.databind.JsonNode;

/**
 * The README's curl worker (the bash block between the worker-curl markers) runs as written against a
 * real server and finishes a job: a newcomer copying it gets a working worker.
 */
@Timeout(120)
class ReadmeWorkerTest {
    private static final Pattern WORKER_BLOCK = Pattern.compile(
            "<!-- worker-curl:start -->\\s*```bash\\n(.*?)```\\s*<!-- worker-curl:end -->", Pattern.DOTALL);

    @Test
    void theReadmeWorkerFinishesAJob() throws Exception {
        String script = workerBlock();
        requireTools();
        try (TestKernel kernel = TestKernel.start(Db.SQLITE)) {
            TestKernel.Agent caller = kernel.newAgent();
            TestKernel.Agent worker = kernel.newWorker("test.echo.v1");
            // Quotes, a backslash, a dollar and non-ASCII text: the worker must pass the input through intact.
            String text = "she said \"hi\" \\ $HOME & left 🙂";
            String jobId = kernel.createJob(caller, "test.echo.v1", text).get("id").asString();

            Path file = Files.createTempFile("readme-worker-", ".sh");
            Files.writeString(file, script);
            ProcessBuilder pb = new ProcessBuilder("bash", file.toString()).redirectErrorStream(true);
            pb.environment().put("BASE", kernel.server().apiUrl());
            pb.environment().put("WORKER_KEY", worker.key());
            Process process = pb.start();
            process.getOutputStream().close();
            String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            assertThat(process.waitFor(60, TimeUnit.SECONDS)).as("the worker block ends").isTrue();
            assertThat(process.exitValue()).as("exit status; output:%n%s", output).isZero();
            assertThat(output).contains("took " + jobId);

            JsonNode job = kernel.job(caller, jobId);
            assertThat(job.get("status").asString()).as("job after the README worker ran; its output:%n%s", output)
                    .isEqualTo("succeeded");
            assertThat(job.get("output").get("echo").asString()).isEqualTo(text);
            assertThat(kernel.eventTypes(caller, jobId)).containsExactly("created", "bid_accepted", "submitted", "settled");
        }
    }

    /** The one bash block between the worker-curl markers of the repository's README.md. */
    private static String workerBlock() throws IOException {
        Path readme = List.of(Path.of("../README.md"), Path.of("README.md")).stream()
                .filter(p -> Files.isRegularFile(p) && Files.isDirectory(p.toAbsolutePath().getParent().resolve("kernel")))
                .findFirst()
                .orElseThrow(() -> new AssertionError("README.md of the repository not found from " + Path.of("").toAbsolutePath()));
        Matcher m = WORKER_BLOCK.matcher(Files.readString(readme));
        assertThat(m.find()).as("README.md has a ```bash block between <!-- worker-curl:start --> and <!-- worker-curl:end -->")
                .isTrue();
        String block = m.group(1);
        assertThat(m.find()).as("README.md has only one worker-curl block").isFalse();
        return block;
    }

    /** bash, curl and jq are what the README asks of a reader; without them the test is skipped, except under CI. */
    private static void requireTools() throws InterruptedException {
        String missing;
        try {
            Process p = new ProcessBuilder("bash", "-c", "for t in curl jq; do command -v $t >/dev/null || echo $t; done")
                    .redirectErrorStream(true).start();
            missing = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
            p.waitFor();
        } catch (IOException e) {
            missing = "bash";
        }
        if (missing.isEmpty()) {
            return;
        }
        String why = "the README worker needs bash, curl and jq; missing: " + missing.replace('\n', ' ');
        if ("true".equalsIgnoreCase(System.getenv("CI"))) {
            throw new AssertionError(why + " (CI=true requires them)");
        }
        Assumptions.abort(why);
    }
}
