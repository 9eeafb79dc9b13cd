package com.chaojiyuyan.kernel.http;

import static org.assertj.core.api.Assertions.assertThat;

import com.chaojiyuyan.kernel.testing.Db;
import com.chaojiyuyan.kernel.testing.HttpApi;
import com.chaojiyuyan.kernel.testing.TestClock;
import com.chaojiyuyan.kernel.testing.TestDatabases;
import com.chaojiyuyan.kernel.testing.TestKernel;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Each credential has its own request budget; over it, 429 rate_limited with Retry-After. */
class RateLimitTest {
    private static TestKernel kernel;

    @BeforeAll
    static void start() {
        // 1 request per second, bursts of 2: the third request in a row is over the limit whatever the timing.
        kernel = TestKernel.startOn(TestDatabases.fresh(Db.SQLITE), new TestClock(),
                Map.of("CHAOJIYUYAN_RATE_LIMIT_PER_SECOND", "1"));
    }

    @AfterAll
    static void stop() {
        kernel.close();
    }

    @Test
    void aKeyOverItsBudgetIsToldToSlowDownWhileOtherKeysAreNot() {
        TestKernel.Agent busy = kernel.newAgent();
        TestKernel.Agent quiet = kernel.newAgent();
        List<HttpApi.Response> answers = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
            answers.add(kernel.api().get("/capability-specs", busy.key()));
        }
        HttpApi.Response limited = answers.stream().filter(r -> r.status() == 429).findFirst().orElseThrow(
                () -> new AssertionError("no 429 among " + answers));
        assertThat(limited.code()).isEqualTo("rate_limited");
        assertThat(Integer.parseInt(limited.header("Retry-After"))).isPositive();
        assertThat(limited.json().get("retry_after_seconds").asLong()).isPositive();

        assertThat(kernel.api().get("/capability-specs", quiet.key()).status()).isEqualTo(200);
    }
}
