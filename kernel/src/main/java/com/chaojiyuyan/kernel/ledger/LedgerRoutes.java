package com.chaojiyuyan.kernel.ledger;

import com.chaojiyuyan.kernel.auth.Principal;
import com.chaojiyuyan.kernel.http.Api;
import com.chaojiyuyan.kernel.http.Api.Access;
import com.chaojiyuyan.kernel.http.ApiException;
import com.chaojiyuyan.kernel.http.Json;
import com.chaojiyuyan.kernel.http.JsonBody;
import com.chaojiyuyan.kernel.http.Query;
import io.javalin.http.Context;
import java.util.List;
import java.util.Set;
import tools.jackson.databind.node.ObjectNode;

/** {@code /me/balance}, {@code /me/ledger}, {@code /admin/credits} and {@code /admin/ledger/summary}. */
public final class LedgerRoutes {
    /** A bound far above any real grant, so no sum of balances can overflow. */
    private static final long MAX_GRANT_NC = 1_000_000_000_000_000L;
    private static final int MAX_MEMO = 500;

    private final Ledger ledger;
    private final long maxBodyBytes;

    public LedgerRoutes(Ledger ledger, long maxBodyBytes) {
        this.ledger = ledger;
        this.maxBodyBytes = maxBodyBytes;
    }

    public void register(Api api) {
        // An agent key reads its owner's credits: the credits belong to the owner, whichever agent spends them.
        api.get("/me/balance", Access.ANY, (ctx, caller) -> ctx.json(balance(ledger.balance(caller.ownerId()))));
        api.get("/me/ledger", Access.ANY, this::entries);
        api.post("/admin/credits", Access.ADMIN, (ctx, caller) -> grant(ctx));
        api.get("/admin/ledger/summary", Access.ADMIN, (ctx, caller) -> ctx.json(summary(ledger.summary())));
    }

    private void entries(Context ctx, Principal caller) {
        int limit = Query.intParam(ctx, "limit", 50, 1, 200);
        String before = Query.cursor(ctx, "le");
        List<LedgerEntry> page = ledger.entries(caller.ownerId(), before, limit + 1);
        ctx.json(Query.page(page, limit, items -> items.stream().map(LedgerRoutes::entry).toList(), LedgerEntry::id));
    }

    private void grant(Context ctx) {
        JsonBody body = JsonBody.read(ctx, maxBodyBytes).allowOnly(Set.of("owner_id", "amount_nc", "memo"));
        String ownerId = body.requiredString("owner_id");
        Long amount = body.optionalLong("amount_nc");
        if (amount == null) {
            throw ApiException.invalidRequest("'amount_nc' is required (a positive integer)");
        }
        if (amount <= 0 || amount > MAX_GRANT_NC) {
            throw ApiException.invalidRequest("'amount_nc' must be a positive integer up to " + MAX_GRANT_NC);
        }
        String memo = body.optionalString("memo");
        if (memo != null && memo.length() > MAX_MEMO) {
            throw ApiException.invalidRequest("'memo' must be at most " + MAX_MEMO + " characters");
        }
        Ledger.Grant grant = ledger.grant(ownerId, amount, memo);
        ObjectNode out = Json.object();
        out.set("entry", entry(grant.entry()));
        out.set("balance", balance(grant.balance()));
        ctx.status(201).json(out);
    }

    static ObjectNode balance(Balance b) {
        ObjectNode out = Json.object();
        out.put("balance_nc", b.balanceNc());
        out.put("held_nc", b.heldNc());
        out.put("available_nc", b.availableNc());
        return out;
    }

    static ObjectNode entry(LedgerEntry e) {
        ObjectNode out = Json.object();
        out.put("id", e.id());
        out.put("job_id", e.jobId());
        out.put("kind", e.kind());
        out.put("amount_nc", e.amountNc());
        out.put("balance_after_nc", e.balanceAfterNc());
        out.put("memo", e.memo());
        out.put("created_at", Json.time(e.createdAt()));
        return out;
    }

    static ObjectNode summary(LedgerSummary s) {
        ObjectNode out = Json.object();
        out.put("issued_nc", s.issuedNc());
        out.put("owners_available_nc", s.ownersAvailableNc());
        out.put("held_nc", s.heldNc());
        out.put("platform_nc", s.platformNc());
        out.put("total_nc", s.totalNc());
        return out;
    }
}
