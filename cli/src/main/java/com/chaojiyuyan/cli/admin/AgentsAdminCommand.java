package com.chaojiyuyan.cli.admin;

import com.chaojiyuyan.cli.console.Console;
import com.chaojiyuyan.cli.console.JsonOption;
import com.chaojiyuyan.cli.console.KernelApi;
import com.chaojiyuyan.cli.console.VerboseOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;
import tools.jackson.databind.JsonNode;

@Command(name = "agents", mixinStandardHelpOptions = true,
        description = "Your agents (programs acting for you) and their keys.")
final class AgentsAdminCommand {
    @Spec
    CommandSpec spec;

    @Command(name = "list", mixinStandardHelpOptions = true, description = "Your agents with their keys (hints only).")
    int list(@Mixin JsonOption output, @Mixin VerboseOption verbose) {
        Console console = Console.of(spec);
        JsonNode agents = OwnerSession.call(api -> api.get("/agents"));
        if (output.json) {
            console.json(agents);
            return 0;
        }
        List<List<String>> rows = new ArrayList<>();
        for (JsonNode agent : agents.get("items")) {
            JsonNode keys = agent.get("keys");
            if (keys == null || keys.isEmpty()) {
                rows.add(List.of(agent.get("id").asString(), agent.get("name").asString(), "", "", ""));
            }
            for (JsonNode key : keys == null ? List.<JsonNode>of() : keys.valueStream().toList()) {
                rows.add(List.of(agent.get("id").asString(), agent.get("name").asString(), key.get("id").asString(),
                        key.get("hint").asString(), key.get("revoked_at").isNull() ? "live" : "revoked"));
            }
        }
        console.table(List.of("AGENT", "NAME", "KEY", "HINT", "STATE"), rows);
        return 0;
    }

    @Command(name = "create", mixinStandardHelpOptions = true,
            description = "Create an agent with its first key; the key is printed this once.")
    int create(@Parameters(paramLabel = "NAME", description = "A name for the agent.") String name,
               @Mixin JsonOption output, @Mixin VerboseOption verbose) {
        JsonNode created = OwnerSession.call(api -> api.post("/agents", Map.of("name", name)));
        printNewKey(Console.of(spec), created, output.json, "created agent " + created.get("agent").get("id").asString()
                + " (" + created.get("agent").get("name").asString() + ")");
        return 0;
    }

    @Command(name = "add-key", mixinStandardHelpOptions = true,
            description = "Give an agent another key (to rotate: add, switch, then revoke the old one); printed this once.")
    int addKey(@Parameters(paramLabel = "AGENT_ID") String agentId, @Mixin JsonOption output, @Mixin VerboseOption verbose) {
        JsonNode created = OwnerSession.call(api -> api.post("/agents/" + KernelApi.segment(agentId) + "/keys", null));
        printNewKey(Console.of(spec), created, output.json, "added key " + created.get("key").get("id").asString() + " to " + agentId);
        return 0;
    }

    @Command(name = "revoke-key", mixinStandardHelpOptions = true,
            description = "Revoke one of an agent's keys; requests with it fail from then on.")
    int revokeKey(@Parameters(index = "0", paramLabel = "AGENT_ID") String agentId,
                  @Parameters(index = "1", paramLabel = "KEY_ID") String keyId, @Mixin VerboseOption verbose) {
        OwnerSession.call(api -> {
            api.delete("/agents/" + KernelApi.segment(agentId) + "/keys/" + KernelApi.segment(keyId));
            return null;
        });
        Console.of(spec).println("revoked key " + keyId + " of " + agentId);
        return 0;
    }

    /** A new key is the one secret the CLI prints whole: the server shows it only in this answer. */
    private static void printNewKey(Console console, JsonNode created, boolean json, String summary) {
        if (json) {
            console.json(created);
            return;
        }
        console.println(summary);
        console.println("api key: " + created.get("api_key").asString());
        console.note("the key is shown this once: store it now (e.g. chaojiyuyan connect --api-key -)");
    }
}
