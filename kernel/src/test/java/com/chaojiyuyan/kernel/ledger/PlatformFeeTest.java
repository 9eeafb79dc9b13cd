package com.chaojiyuyan.kernel.ledger;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.chaojiyuyan.kernel.ServerConfig;
import com.chaojiyuyan.kernel.testing.Db;
import com.chaojiyuyan.kernel.testing.HttpApi;
import com.chaojiyuyan.kernel.testing.TestClock;
import com.chaojiyuyan.kernel.testing.TestDatabases;
import com.chaojiyuyan.kernel.testing.TestKernel;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.AfterParameterizedClassInvocation;
import org.junit.jupiter.params.BeforeParameterizedClassInvocation;
import org.junit.jupiter.params.Parameter;
import org.junit.jupiter.params.ParameterizedClass;
import org.junit.jupiter.params.provider.EnumSource;
import tools.jackson.databind.JsonNode;

/**
 * With CHAOJIYUYAN_PLATFORM_FEE_PERCENT set, a succeeded job's price is split: the platform account gets
 * the fee, rounded down to whole credits, and the worker's owner the rest, so the two always add up to
 * exactly the price.
 */
@ParameterizedClass(name = "{0}")
@EnumSource(Db.class)
@Timeout(120)
class PlatformFeeTest {
    private static final int FEE_PERCENT = 15;

    @Parameter
    Db db;

    private static TestKernel kernel;

    @BeforeParameterizedClassInvocation
    static void startKernel(Db db) {
        kernel = TestKernel.startOn(TestDatabases.fresh(db), new TestClock(),
                Map.of("CHAOJIYUYAN_PLATFORM_FEE_PERCENT", String.valueOf(FEE_PERCENT)));
    }

    @AfterParameterizedClassInvocation
    static void stopKernel() {
        if (kernel != null) {
            kernel.close();
            kernel = null;
        }
    }

    @Test
    void theFeeIsRoundedDownAndPayoutPlusFeeIsExactlyThePrice() {
        // price → fee (15%, rounded down): 100 → 15, 7 → 1 (1.05), 6 → 0 (0.9), 1 → 0.
        for (long[] c : new long[][] {{100, 15}, {7, 1}, {6, 0}, {1, 0}}) {
            long price = c[0];
            long fee = c[1];
            long platformBefore = platform();
            TestKernel.Owner payer = kernel.newOwner();
            kernel.grantCredits(payer, 200);
            TestKernel.Agent caller = kernel.newAgent(payer, "caller");
            String capability = kernel.newCapability(Map.of("price_nc", price));
            TestKernel.Agent worker = kernel.newWorker(capability);

            HttpApi.Response created = kernel.api().post("/kernel-jobs", caller.key(),
                    Map.of("capability_key", capability, "input", Map.of("text", "x"), "max_budget_nc", price + 3));
            assertThat(created.status()).as("%s", created).isEqualTo(201);
            String jobId = created.json().get("id").asString();
            String run = kernel.bidAccepted(worker, jobId).get("task_run_id").asString();
            assertThat(kernel.submit(worker, jobId, run, Map.of("echo", "x")).status()).isEqualTo(200);

            assertThat(kernel.balance(caller.key()).get("balance_nc").asLong()).as("payer, price %d", price).isEqualTo(200 - price);
            assertThat(kernel.balance(worker.key()).get("balance_nc").asLong()).as("worker, price %d", price).isEqualTo(price - fee);
            assertThat(platform() - platformBefore).as("platform, price %d", price).isEqualTo(fee);
            List<String> workerKinds = kernel.api().get("/me/ledger", worker.key()).json().get("items").valueStream()
                    .map(e -> e.get("kind").asString()).toList();
            assertThat(workerKinds).containsExactly("payout");
            LedgerInvariants.check(kernel);
        }
    }

    @Test
    void theFeeEntryIsPartOfTheChargeMovement() {
        TestKernel.Owner payer = kernel.newOwner();
        kernel.grantCredits(payer, 50);
        TestKernel.Agent caller = kernel.newAgent(payer, "caller");
        String capability = kernel.newCapability(Map.of("price_nc", 40));
        TestKernel.Agent worker = kernel.newWorker(capability);
        String jobId = kernel.createJob(caller, capability, "x").get("id").asString();
        String run = kernel.bidAccepted(worker, jobId).get("task_run_id").asString();
        assertThat(kernel.submit(worker, jobId, run, Map.of("echo", "x")).status()).isEqualTo(200);

        List<Map<String, Object>> charge = kernel.server().database().read(h -> h.createQuery("""
                        SELECT account_id, kind, amount_nc FROM ledger_entries
                        WHERE movement_id = (SELECT movement_id FROM ledger_entries WHERE job_id = :job AND kind = 'charge')
                        ORDER BY id""").bind("job", jobId).mapToMap().list());
        assertThat(charge).extracting(r -> r.get("kind")).containsExactly("charge", "payout", "fee");
        assertThat(charge).extracting(r -> ((Number) r.get("amount_nc")).longValue()).containsExactly(-40L, 34L, 6L);
        assertThat(charge.get(2).get("account_id")).isEqualTo("platform");
    }

    @Test
    void aFeeOutsideZeroToHundredPercentStopsTheServerAtStart() {
        assertThatThrownBy(() -> ServerConfig.fromEnvironment(Map.of("CHAOJIYUYAN_PLATFORM_FEE_PERCENT", "101")))
                .hasMessageContaining("CHAOJIYUYAN_PLATFORM_FEE_PERCENT");
        assertThatThrownBy(() -> ServerConfig.fromEnvironment(Map.of("CHAOJIYUYAN_PLATFORM_FEE_PERCENT", "2.5")))
                .hasMessageContaining("CHAOJIYUYAN_PLATFORM_FEE_PERCENT");
        assertThat(ServerConfig.fromEnvironment(Map.of()).platformFeePercent()).isZero();
    }

    private static long platform() {
        JsonNode summary = kernel.api().get("/admin/ledger/summary", kernel.adminToken()).json();
        return summary.get("platform_nc").asLong();
    }
}
