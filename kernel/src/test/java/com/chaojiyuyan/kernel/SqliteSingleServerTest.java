package com.chaojiyuyan.kernel;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.chaojiyuyan.kernel.testing.HttpApi;
import com.chaojiyuyan.kernel.testing.ServerProcess;
import com.chaojiyuyan.kernel.testing.TestClock;
import com.chaojiyuyan.kernel.testing.TestDatabases;
import com.chaojiyuyan.kernel.testing.TestKernel;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * An SQLite database is served by one server at a time (its wake-ups are in-process): a second server
 * on the same file, in this process or another, is refused with a message naming the file and the
 * data directory setting, and the first keeps serving.
 */
@Timeout(120)
class SqliteSingleServerTest {
    private static final long START_SECONDS = 60;

    private static Path databaseFile(String jdbcUrl) {
        return Path.of(jdbcUrl.substring("jdbc:sqlite:".length()));
    }

    private static void assertServes(TestKernel kernel) {
        HttpApi.Response health = kernel.api().get(kernel.server().publicUrl() + "/healthz", null);
        assertThat(health.status()).isEqualTo(200);
        TestKernel.Agent caller = kernel.newAgent();
        TestKernel.Agent worker = kernel.newWorker("test.echo.v1");
        String jobId = kernel.createJob(caller, "test.echo.v1", "still here").get("id").asString();
        String run = kernel.bidAccepted(worker, jobId).get("task_run_id").asString();
        assertThat(kernel.submit(worker, jobId, run, Map.of("echo", "still here")).status()).isEqualTo(200);
    }

    @Test
    void aSecondServerOnTheSameFileIsRefusedWhileTheFirstKeepsServing() throws Exception {
        String url = TestDatabases.freshSqlite();
        try (TestKernel first = TestKernel.startOn(url, new TestClock(), Map.of())) {
            assertThatThrownBy(() -> TestKernel.startOn(url, new TestClock(), Map.of()))
                    .isInstanceOf(IllegalStateException.class)
                    .hasMessageContaining("another chaojiyuyan server is using")
                    .hasMessageContaining(databaseFile(url).toRealPath().toString())
                    .hasMessageContaining("CHAOJIYUYAN_DATA_DIR");
            assertServes(first);

            // The refused start must not have weakened the lock, even once its leftovers are collected:
            // a server in another process is refused as well.
            System.gc();
            try (ServerProcess other = ServerProcess.start(url)) {
                ServerProcess.Outcome outcome = other.awaitStart(START_SECONDS);
                assertThat(outcome.port()).as("the other process must not start").isNull();
                assertThat(outcome.refusal()).contains("another chaojiyuyan server is using", "CHAOJIYUYAN_DATA_DIR");
            }
            assertServes(first);
        }
        // Once the first has stopped, the file is free again.
        try (TestKernel next = TestKernel.startOn(url, new TestClock(), Map.of())) {
            assertServes(next);
        }
    }

    @Test
    void aServerInThisProcessIsRefusedWhileAnotherProcessServesTheFile() throws Exception {
        String url = TestDatabases.freshSqlite();
        try (ServerProcess other = ServerProcess.start(url)) {
            ServerProcess.Outcome outcome = other.awaitStart(START_SECONDS);
            assertThat(outcome.refusal()).isNull();
            assertThat(outcome.port()).isNotNull();

            assertThatThrownBy(() -> TestKernel.startOn(url, new TestClock(), Map.of()))
                    .isInstanceOf(IllegalStateException.class)
                    .hasMessageContaining("another chaojiyuyan server is using")
                    .hasMessageContaining(databaseFile(url).toRealPath().toString())
                    .hasMessageContaining("CHAOJIYUYAN_DATA_DIR");
            HttpApi.Response health = new HttpApi("http://127.0.0.1:" + outcome.port() + "/api/v1")
                    .get("http://127.0.0.1:" + outcome.port() + "/healthz", null);
            assertThat(health.status()).as("the other process keeps serving").isEqualTo(200);
        }
        // The other process has exited: this one starts, on the data the other created.
        try (TestKernel next = TestKernel.startOn(url, new TestClock(), Map.of())) {
            assertThat(next.server().bootstrap().created()).as("the admin the other process created is kept").isFalse();
            assertServes(next);
        }
    }
}
