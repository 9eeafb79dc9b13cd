package com.chaojiyuyan.sdk;

import static org.awaitility.Awaitility.await;

import com.chaojiyuyan.kernel.testing.ContractTest;
import com.chaojiyuyan.kernel.testing.TestKernel;
import com.chaojiyuyan.sdk.worker.Worker;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;

/**
 * Base of the SDK's tests against a real kernel, in-process, once on SQLite and once on PostgreSQL.
 * Clients and workers made here are closed after each test.
 */
public abstract class SdkContractTest extends ContractTest {
    private final List<AutoCloseable> opened = new ArrayList<>();

    /** A client with {@code agent}'s key, talking to the test kernel. */
    protected KernelClient client(TestKernel.Agent agent) {
        return track(KernelClient.builder().apiKey(agent.key()).baseUrl(kernel.api().apiUrl()).build());
    }

    /** A worker builder with {@code agent}'s key, talking to the test kernel, polling briefly. */
    protected Worker.Builder worker(TestKernel.Agent agent) {
        return Worker.builder().apiKey(agent.key()).baseUrl(kernel.api().apiUrl()).pollWait(Duration.ofSeconds(2));
    }

    /** Runs {@code worker.run()} on a virtual thread; the worker is closed after the test. */
    protected Thread running(Worker worker) {
        track(worker);
        return Thread.ofVirtual().name("test-worker").start(worker::run);
    }

    protected <T extends AutoCloseable> T track(T closeable) {
        opened.add(closeable);
        return closeable;
    }

    /** Waits (on the kernel's real progress, not a fixed sleep) until the job has {@code status}. */
    protected static Job awaitStatus(KernelClient client, String jobId, JobStatus status) {
        await().atMost(Duration.ofSeconds(30)).until(() -> client.getJob(jobId).status() == status);
        return client.getJob(jobId);
    }

    @AfterEach
    void closeOpened() throws Exception {
        for (AutoCloseable c : opened.reversed()) {
            c.close();
        }
        opened.clear();
    }
}
