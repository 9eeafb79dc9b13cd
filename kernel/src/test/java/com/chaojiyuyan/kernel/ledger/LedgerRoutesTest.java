package com.chaojiyuyan.kernel.ledger;

import static com.chaojiyuyan.kernel.testing.ProblemJson.assertProblem;
import static org.assertj.core.api.Assertions.assertThat;

import com.chaojiyuyan.kernel.testing.ContractTest;
import com.chaojiyuyan.kernel.testing.HttpApi;
import com.chaojiyuyan.kernel.testing.TestKernel;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

/**
 * The credits routes: an owner (or any of its agents) reads its balance and its ledger, a page at a
 * time, newest first, and nothing of any other owner's; an administrator grants credits.
 */
class LedgerRoutesTest extends ContractTest {

    @Test
    void aNewOwnerHasNothing() {
        TestKernel.Owner owner = kernel.newOwner();
        CreditHoldsTest.assertBalance(owner.token(), 0, 0, 0);
        HttpApi.Response ledger = kernel.api().get("/me/ledger", owner.token());
        assertThat(ledger.status()).isEqualTo(200);
        assertThat(ledger.json().get("items").size()).isZero();
        assertThat(ledger.json().get("next_cursor").isNull()).isTrue();
    }

    @Test
    void aGrantAnswersItsEntryAndTheNewBalance() {
        TestKernel.Owner owner = kernel.newOwner();
        kernel.grantCredits(owner, 5);

        HttpApi.Response r = kernel.api().post("/admin/credits", kernel.adminToken(),
                Map.of("owner_id", owner.id(), "amount_nc", 37, "memo", "welcome"));

        assertThat(r.status()).as("%s", r).isEqualTo(201);
        JsonNode entry = r.json().get("entry");
        assertThat(entry.get("id").asString()).startsWith("le_");
        assertThat(entry.get("kind").asString()).isEqualTo("grant");
        assertThat(entry.get("amount_nc").asLong()).isEqualTo(37);
        assertThat(entry.get("balance_after_nc").asLong()).isEqualTo(42);
        assertThat(entry.get("memo").asString()).isEqualTo("welcome");
        assertThat(entry.get("job_id").isNull()).isTrue();
        assertThat(entry.get("created_at").asString()).endsWith("Z");
        JsonNode balance = r.json().get("balance");
        assertThat(balance.get("balance_nc").asLong()).isEqualTo(42);
        assertThat(balance.get("held_nc").asLong()).isZero();
        assertThat(balance.get("available_nc").asLong()).isEqualTo(42);
        assertThat(kernel.api().get("/me/ledger", owner.token()).json().get("items").get(0)).isEqualTo(entry);
        LedgerInvariants.check(kernel);
    }

    @Test
    void anAgentKeyReadsItsOwnersBalanceAndLedger() {
        TestKernel.Owner owner = kernel.newOwner();
        TestKernel.Agent one = kernel.newAgent(owner, "one");
        TestKernel.Agent two = kernel.newAgent(owner, "two");
        kernel.grantCredits(owner, 30);
        String capability = kernel.newCapability(Map.of("price_nc", 4));
        kernel.createJob(one, capability, "x");

        for (String token : List.of(owner.token(), one.key(), two.key())) {
            CreditHoldsTest.assertBalance(token, 30, 4, 26);
            assertThat(kernel.api().get("/me/ledger", token).json().get("items").size()).isEqualTo(2);
        }
    }

    @Test
    void anotherOwnersCreditsAndEntriesAreInvisible() {
        TestKernel.Owner rich = kernel.newOwner();
        kernel.grantCredits(rich, 1000);
        TestKernel.Agent richAgent = kernel.newAgent(rich, "rich");
        kernel.createJob(richAgent, kernel.newCapability(Map.of("price_nc", 9)), "x");
        TestKernel.Owner poor = kernel.newOwner();
        TestKernel.Agent poorAgent = kernel.newAgent(poor, "poor");

        for (String token : List.of(poor.token(), poorAgent.key())) {
            CreditHoldsTest.assertBalance(token, 0, 0, 0);
            assertThat(kernel.api().get("/me/ledger", token).json().get("items").size()).isZero();
        }
        String richCursor = cursorFor(kernel.api().get("/me/ledger", rich.token()).json().get("items").get(0).get("id").asString());
        HttpApi.Response paged = kernel.api().get("/me/ledger?cursor=" + richCursor, poor.token());
        assertThat(paged.status()).isEqualTo(200);
        assertThat(paged.json().get("items").size()).as("a cursor of another owner's listing shows nothing of it").isZero();
    }

    @Test
    void theLedgerIsPagedNewestFirstWithoutGapsOrRepeats() {
        TestKernel.Owner owner = kernel.newOwner();
        List<Long> granted = new ArrayList<>();
        for (long amount = 1; amount <= 7; amount++) {
            kernel.grantCredits(owner, amount);
            granted.add(0, amount);
        }

        List<JsonNode> seen = new ArrayList<>();
        String cursor = null;
        int pages = 0;
        do {
            HttpApi.Response r = kernel.api().get("/me/ledger?limit=3" + (cursor == null ? "" : "&cursor=" + cursor), owner.token());
            assertThat(r.status()).as("%s", r).isEqualTo(200);
            r.json().get("items").forEach(seen::add);
            cursor = r.json().get("next_cursor").isNull() ? null : r.json().get("next_cursor").asString();
            pages++;
        } while (cursor != null);

        assertThat(pages).isEqualTo(3);
        assertThat(seen).extracting(e -> e.get("amount_nc").asLong()).containsExactlyElementsOf(granted);
        assertThat(seen).extracting(e -> e.get("balance_after_nc").asLong()).containsExactly(28L, 21L, 15L, 10L, 6L, 3L, 1L);
        List<String> ids = seen.stream().map(e -> e.get("id").asString()).toList();
        assertThat(ids).doesNotHaveDuplicates().isSortedAccordingTo(Comparator.reverseOrder());
    }

    @Test
    void badLedgerParametersAreRefused() {
        TestKernel.Owner owner = kernel.newOwner();
        assertProblem(kernel.api().get("/me/ledger?limit=0", owner.token()), 400, "invalid_parameter");
        assertProblem(kernel.api().get("/me/ledger?limit=201", owner.token()), 400, "invalid_parameter");
        assertProblem(kernel.api().get("/me/ledger?cursor=bm90LWEtY3Vyc29y", owner.token()), 400, "invalid_parameter");
        String jobCursor = cursorFor("job_01JXKZ6Q4M3V8W2R5T7Y9B1C3D");
        assertProblem(kernel.api().get("/me/ledger?cursor=" + jobCursor, owner.token()), 400, "invalid_parameter");
        assertProblem(kernel.api().get("/me/balance", null), 401, "unauthenticated");
        assertProblem(kernel.api().get("/me/ledger", null), 401, "unauthenticated");
    }

    @Test
    void grantsAreValidated() {
        TestKernel.Owner owner = kernel.newOwner();
        String admin = kernel.adminToken();
        List<Map<String, Object>> bad = new ArrayList<>();
        bad.add(Map.of("amount_nc", 5));
        bad.add(Map.of("owner_id", owner.id()));
        bad.add(Map.of("owner_id", owner.id(), "amount_nc", 0));
        bad.add(Map.of("owner_id", owner.id(), "amount_nc", -5));
        bad.add(Map.of("owner_id", owner.id(), "amount_nc", 2.5));
        bad.add(Map.of("owner_id", owner.id(), "amount_nc", "5"));
        bad.add(Map.of("owner_id", owner.id(), "amount_nc", 2_000_000_000_000_000L));
        bad.add(Map.of("owner_id", owner.id(), "amount_nc", 5, "memo", "m".repeat(501)));
        bad.add(Map.of("owner_id", owner.id(), "amount_nc", 5, "memo", 7));
        bad.add(Map.of("owner_id", 12, "amount_nc", 5));
        Map<String, Object> extra = new LinkedHashMap<>(Map.of("owner_id", owner.id(), "amount_nc", 5));
        extra.put("currency", "nc");
        bad.add(extra);
        for (Map<String, Object> body : bad) {
            assertProblem(kernel.api().post("/admin/credits", admin, body), 400, "invalid_request");
        }
        assertProblem(kernel.api().post("/admin/credits", admin, Map.of("owner_id", "own_01JXKZ6Q4M3V8W2R5T7Y9B1C3D", "amount_nc", 5)),
                404, "not_found");
        assertProblem(kernel.api().post("/admin/credits", admin, Map.of("owner_id", "nobody", "amount_nc", 5)), 404, "not_found");
        assertProblem(kernel.api().post("/admin/credits", owner.token(), Map.of("owner_id", owner.id(), "amount_nc", 5)),
                403, "admin_required");
        TestKernel.Agent agent = kernel.newAgent(owner, "a");
        assertProblem(kernel.api().post("/admin/credits", agent.key(), Map.of("owner_id", owner.id(), "amount_nc", 5)),
                403, "admin_required");
        assertProblem(kernel.api().get("/admin/ledger/summary", owner.token()), 403, "admin_required");

        CreditHoldsTest.assertBalance(owner.token(), 0, 0, 0);
        assertThat(kernel.api().get("/me/ledger", owner.token()).json().get("items").size()).as("nothing written").isZero();
        Map<String, Object> withoutMemo = new HashMap<>(Map.of("owner_id", owner.id(), "amount_nc", 1));
        assertThat(kernel.api().post("/admin/credits", admin, withoutMemo).status()).isEqualTo(201);
    }

    @Test
    void theSummaryAccountsForEveryGrantedCredit() {
        JsonNode before = kernel.api().get("/admin/ledger/summary", kernel.adminToken()).json();
        TestKernel.Owner owner = kernel.newOwner();
        kernel.grantCredits(owner, 25);
        kernel.createJob(kernel.newAgent(owner, "a"), kernel.newCapability(Map.of("price_nc", 10)), "x");

        JsonNode after = kernel.api().get("/admin/ledger/summary", kernel.adminToken()).json();
        assertThat(after.get("issued_nc").asLong() - before.get("issued_nc").asLong()).isEqualTo(25);
        assertThat(after.get("held_nc").asLong() - before.get("held_nc").asLong()).isEqualTo(10);
        assertThat(after.get("owners_available_nc").asLong() - before.get("owners_available_nc").asLong()).isEqualTo(15);
        assertThat(after.get("total_nc").asLong()).isZero();
        assertThat(after.get("issued_nc").asLong()).isEqualTo(after.get("owners_available_nc").asLong()
                + after.get("held_nc").asLong() + after.get("platform_nc").asLong());
    }

    /** A cursor as the server makes one (base64url of an id), to probe with other listings' ids. */
    private static String cursorFor(String id) {
        return Base64.getUrlEncoder().withoutPadding().encodeToString(id.getBytes(StandardCharsets.UTF_8));
    }
}
