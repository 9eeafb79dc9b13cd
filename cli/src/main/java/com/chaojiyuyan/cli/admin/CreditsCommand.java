package com.chaojiyuyan.cli.admin;

import com.chaojiyuyan.cli.console.Console;
import com.chaojiyuyan.cli.console.JsonOption;
import com.chaojiyuyan.cli.console.VerboseOption;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;
import tools.jackson.databind.JsonNode;

@Command(name = "credits", mixinStandardHelpOptions = true,
        description = "Credits (nc): your balance and ledger; grants and the platform summary (administrators).")
final class CreditsCommand {
    @Spec
    CommandSpec spec;

    @Command(name = "balance", mixinStandardHelpOptions = true, description = "Your credits: balance, held for open jobs, available.")
    int balance(@Mixin JsonOption output, @Mixin VerboseOption verbose) {
        Console console = Console.of(spec);
        JsonNode b = OwnerSession.call(api -> api.get("/me/balance"));
        if (output.json) {
            console.json(b);
        } else {
            console.fields(List.of(new String[] {"balance", b.get("balance_nc").asLong() + " nc"},
                    new String[] {"held", b.get("held_nc").asLong() + " nc"},
                    new String[] {"available", b.get("available_nc").asLong() + " nc"}));
        }
        return 0;
    }

    @Command(name = "ledger", mixinStandardHelpOptions = true, description = "Your ledger entries, newest first, a page at a time.")
    int ledger(@Option(names = "--limit", paramLabel = "N", description = "Page size, 1 to 200 (default: 50).") Integer limit,
               @Option(names = "--cursor", paramLabel = "CURSOR", description = "Continue after a previous page.") String cursor,
               @Mixin JsonOption output, @Mixin VerboseOption verbose) {
        Console console = Console.of(spec);
        Map<String, Object> query = new LinkedHashMap<>();
        query.put("limit", limit);
        query.put("cursor", cursor);
        JsonNode page = OwnerSession.call(api -> api.get("/me/ledger", query));
        if (output.json) {
            console.json(page);
            return 0;
        }
        console.table(List.of("ID", "KIND", "AMOUNT", "BALANCE AFTER", "JOB", "MEMO", "AT"), Views.rows(page.get("items"), e -> List.of(
                e.get("id").asString(), e.get("kind").asString(), e.get("amount_nc").asLong() + " nc",
                e.get("balance_after_nc").asLong() + " nc", Views.text(e, "job_id"), Views.text(e, "memo"), Views.text(e, "created_at"))));
        if (page.path("next_cursor").isString()) {
            console.note("more: chaojiyuyan admin credits ledger --cursor " + page.get("next_cursor").asString());
        }
        return 0;
    }

    @Command(name = "grant", mixinStandardHelpOptions = true, description = "Grant credits to an owner (administrators).")
    int grant(@Parameters(index = "0", paramLabel = "OWNER_ID") String ownerId,
              @Parameters(index = "1", paramLabel = "AMOUNT_NC") long amount,
              @Option(names = "--memo", paramLabel = "TEXT", description = "Why (shown in the owner's ledger).") String memo,
              @Mixin JsonOption output, @Mixin VerboseOption verbose) {
        Console console = Console.of(spec);
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("owner_id", ownerId);
        body.put("amount_nc", amount);
        if (memo != null) {
            body.put("memo", memo);
        }
        JsonNode grant = OwnerSession.call(api -> api.post("/admin/credits", body));
        if (output.json) {
            console.json(grant);
        } else {
            console.println("granted " + amount + " nc to " + ownerId + "; its balance is now "
                    + grant.get("balance").get("balance_nc").asLong() + " nc (" + grant.get("balance").get("available_nc").asLong()
                    + " nc available)");
        }
        return 0;
    }

    @Command(name = "summary", mixinStandardHelpOptions = true, description = "Where all credits are (administrators).")
    int summary(@Mixin JsonOption output, @Mixin VerboseOption verbose) {
        Console console = Console.of(spec);
        JsonNode s = OwnerSession.call(api -> api.get("/admin/ledger/summary"));
        if (output.json) {
            console.json(s);
        } else {
            console.fields(List.of(new String[] {"issued", s.get("issued_nc").asLong() + " nc"},
                    new String[] {"owners' available", s.get("owners_available_nc").asLong() + " nc"},
                    new String[] {"held for open jobs", s.get("held_nc").asLong() + " nc"},
                    new String[] {"platform fees", s.get("platform_nc").asLong() + " nc"},
                    new String[] {"total (always 0)", s.get("total_nc").asLong() + " nc"}));
        }
        return 0;
    }
}
