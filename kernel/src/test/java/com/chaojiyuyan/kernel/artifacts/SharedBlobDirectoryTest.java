package com.chaojiyuyan.kernel.artifacts;

import static org.assertj.core.api.Assertions.assertThat;

import com.chaojiyuyan.kernel.testing.HttpApi;
import com.chaojiyuyan.kernel.testing.TestClock;
import com.chaojiyuyan.kernel.testing.TestDatabases;
import com.chaojiyuyan.kernel.testing.TestKernel;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Two nodes on one PostgreSQL database and one blob directory (CHAOJIYUYAN_BLOB_DIR): an artifact
 * submitted through one node downloads, byte for byte, through the other.
 */
@Timeout(120)
class SharedBlobDirectoryTest {
    private static TestKernel a;
    private static TestKernel b;

    @BeforeAll
    static void startTwoNodes() {
        TestDatabases.requirePostgres();
        String url = TestDatabases.freshPostgres();
        TestClock clock = new TestClock();
        Map<String, String> shared = Map.of("CHAOJIYUYAN_BLOB_DIR", TestKernel.tempDir().resolve("blobs").toString());
        a = TestKernel.startOn(url, clock, shared);
        b = TestKernel.startOn(url, clock, shared);
    }

    @AfterAll
    static void stopNodes() {
        if (b != null) {
            b.close();
        }
        if (a != null) {
            a.close();
        }
    }

    @Test
    void anArtifactSubmittedThroughOneNodeDownloadsThroughTheOther() throws Exception {
        assertThat(a.server().config().blobDir()).isEqualTo(b.server().config().blobDir());
        String capability = a.newCapability();
        TestKernel.Agent caller = a.newAgent();
        TestKernel.Agent worker = a.newWorker(capability);
        String jobId = a.createJob(caller, capability, "across").get("id").asString();
        String run = a.bidAccepted(worker, jobId).get("task_run_id").asString();
        byte[] data = new byte[300_000];
        new Random(7).nextBytes(data);
        HttpApi.Response submitted = a.api().post("/kernel-jobs/" + jobId + "/submit", worker.key(), Map.of(
                "task_run_id", run, "output", Map.of("echo", "across"),
                "artifacts", List.of(Map.of("name", "across.bin", "content_type", "application/octet-stream",
                        "data_base64", Base64.getEncoder().encodeToString(data)))));
        assertThat(submitted.status()).as("%s", submitted).isEqualTo(200);

        String artifactId = b.job(caller, jobId).get("artifacts").get(0).get("id").asString();
        HttpResponse<byte[]> got = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                        URI.create(b.server().apiUrl() + "/kernel-jobs/" + jobId + "/artifacts/" + artifactId))
                .header("Authorization", "Bearer " + caller.key()).GET().build(), HttpResponse.BodyHandlers.ofByteArray());

        assertThat(got.statusCode()).isEqualTo(200);
        assertThat(got.body()).isEqualTo(data);
    }
}
