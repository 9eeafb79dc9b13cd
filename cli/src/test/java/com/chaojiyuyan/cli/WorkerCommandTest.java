package com.chaojiyuyan.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.chaojiyuyan.kernel.testing.TestKernel;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * {@code chaojiyuyan worker CAP}: the echo demo worker asks before it starts, serves jobs that a
 * {@code call --wait} in another terminal follows to the end, and stops gracefully on SIGTERM (Ctrl-C).
 */
@Timeout(120)
class WorkerCommandTest {

    @Test
    void itAsksFirstAndANoStartsNothing() {
        TestKernel kernel = SharedKernel.get();
        CliProcess user = CliProcess.freshUser().env("CHAOJIYUYAN_API_KEY", kernel.newAgent().key())
                .env("CHAOJIYUYAN_BASE_URL", SharedKernel.apiUrl());

        CliProcess.Result r = user.runWithInput("no\n", "worker", "test.echo.v1");

        assertThat(r.exit()).as(r.toString()).isEqualTo(1);
        assertThat(r.err()).contains("Serve test.echo.v1 at " + SharedKernel.apiUrl(), "[y/N]", "chaojiyuyan: error: aborted: ");
    }

    @Test
    void itEchoesJobsUntilStoppedBySigterm() throws Exception {
        TestKernel kernel = SharedKernel.get();
        String capability = kernel.newCapability();
        CliProcess workerUser = CliProcess.freshUser().env("CHAOJIYUYAN_API_KEY", kernel.newAgent().key())
                .env("CHAOJIYUYAN_BASE_URL", SharedKernel.apiUrl());
        CliProcess caller = CliProcess.freshUser().env("CHAOJIYUYAN_API_KEY", kernel.newAgent().key())
                .env("CHAOJIYUYAN_BASE_URL", SharedKernel.apiUrl());

        try (CliProcess.Running worker = workerUser.start("worker", capability, "--yes")) {
            await().atMost(Duration.ofSeconds(60)).until(() -> worker.err().contains("worker serving " + capability));

            CliProcess.Result call = caller.run("call", capability, "--input", "{\"text\":\"ping\"}", "--wait", "--json");
            assertThat(call.exit()).as(call.toString()).isZero();
            assertThat(call.json().get("output").get("echo").asString()).isEqualTo("ping");
            String jobId = call.json().get("id").asString();
            await().atMost(Duration.ofSeconds(10)).until(() -> worker.out().contains(jobId + " " + capability + " echo \"ping\""));

            int exit = worker.terminate();
            assertThat(exit).as(worker.err()).isEqualTo(143); // 128 + SIGTERM, after the shutdown hook ran
            assertThat(worker.err()).contains("stopping", "worker stopped").doesNotContain("Exception");
        }
    }
}
