package com.chaojiyuyan.cli.admin;

import com.chaojiyuyan.cli.console.Console;
import com.chaojiyuyan.cli.console.JsonOption;
import com.chaojiyuyan.cli.console.KernelApi;
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

@Command(name = "webhooks", mixinStandardHelpOptions = true,
        description = "Webhook endpoints: URLs that receive a signed POST when one of your jobs settles.")
final class WebhooksCommand {
    @Spec
    CommandSpec spec;

    @Command(name = "list", mixinStandardHelpOptions = true, description = "Your endpoints (without their secrets).")
    int list(@Mixin JsonOption output, @Mixin VerboseOption verbose) {
        Console console = Console.of(spec);
        JsonNode endpoints = OwnerSession.call(api -> api.get("/webhook-endpoints"));
        if (output.json) {
            console.json(endpoints);
        } else {
            console.table(List.of("ID", "URL", "STATUS", "DESCRIPTION", "CREATED"), Views.rows(endpoints.get("items"), e -> List.of(
                    e.get("id").asString(), e.get("url").asString(), e.get("status").asString(), Views.text(e, "description"),
                    Views.text(e, "created_at"))));
        }
        return 0;
    }

    @Command(name = "create", mixinStandardHelpOptions = true,
            description = "Register an endpoint; its signing secret (whsec_...) is printed this once.")
    int create(@Parameters(paramLabel = "URL") String url,
               @Option(names = "--description", paramLabel = "TEXT") String description,
               @Mixin JsonOption output, @Mixin VerboseOption verbose) {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("url", url);
        if (description != null) {
            body.put("description", description);
        }
        JsonNode created = OwnerSession.call(api -> api.post("/webhook-endpoints", body));
        printSecret(Console.of(spec), created, output.json, "created endpoint " + created.get("id").asString() + " for " + url);
        return 0;
    }

    @Command(name = "rotate", mixinStandardHelpOptions = true,
            description = "Give an endpoint a new secret (printed this once); the old one keeps signing for --grace seconds.")
    int rotate(@Parameters(paramLabel = "ENDPOINT_ID") String id,
               @Option(names = "--grace", paramLabel = "SECONDS", description = "How long the old secret keeps signing (default: 86400).")
               Integer grace,
               @Mixin JsonOption output, @Mixin VerboseOption verbose) {
        Map<String, Object> body = new LinkedHashMap<>();
        if (grace != null) {
            body.put("grace_seconds", grace);
        }
        JsonNode rotated = OwnerSession.call(api -> api.post("/webhook-endpoints/" + KernelApi.segment(id) + "/rotate", body));
        printSecret(Console.of(spec), rotated, output.json, "rotated the secret of " + id
                + (rotated.path("previous_secret_expires_at").isString()
                ? "; the old one signs too until " + rotated.get("previous_secret_expires_at").asString() : ""));
        return 0;
    }

    @Command(name = "delete", mixinStandardHelpOptions = true, description = "Delete an endpoint; it receives nothing more.")
    int delete(@Parameters(paramLabel = "ENDPOINT_ID") String id, @Mixin VerboseOption verbose) {
        OwnerSession.call(api -> {
            api.delete("/webhook-endpoints/" + KernelApi.segment(id));
            return null;
        });
        Console.of(spec).println("deleted endpoint " + id);
        return 0;
    }

    private static void printSecret(Console console, JsonNode doc, boolean json, String summary) {
        if (json) {
            console.json(doc);
            return;
        }
        console.println(summary);
        console.println("secret: " + doc.get("secret").asString());
        console.note("the secret is shown this once: store it where your receiver verifies signatures");
    }
}
