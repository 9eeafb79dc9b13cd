package com.chaojiyuyan.cli.admin;

import com.chaojiyuyan.cli.console.Console;
import com.chaojiyuyan.cli.console.JsonOption;
import com.chaojiyuyan.cli.console.VerboseOption;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;
import tools.jackson.databind.JsonNode;

/** Deciding a device-flow login from a terminal, for machines without a browser (the /activate page's buttons). */
abstract class DeviceDecisionCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Parameters(paramLabel = "CODE", description = "The code the program shows, e.g. WDJB-MJHT (case and dashes do not matter).")
    String code;

    @Mixin
    JsonOption output;

    @Mixin
    VerboseOption verbose;

    abstract String decision();

    @Override
    public Integer call() {
        JsonNode answer = OwnerSession.call(api -> api.post("/oauth/device/" + decision(), Map.of("user_code", code)));
        Console console = Console.of(spec);
        if (output.json) {
            console.json(answer);
        } else {
            console.println(answer.get("status").asString() + " " + answer.get("user_code").asString() + " ("
                    + answer.get("client_name").asString() + ")");
        }
        return 0;
    }

    @Command(name = "approve", mixinStandardHelpOptions = true,
            description = "Approve a device login: the program that shows CODE gets a new agent of yours and its key.")
    static final class Approve extends DeviceDecisionCommand {
        @Override
        String decision() {
            return "approve";
        }
    }

    @Command(name = "deny", mixinStandardHelpOptions = true, description = "Deny a device login.")
    static final class Deny extends DeviceDecisionCommand {
        @Override
        String decision() {
            return "deny";
        }
    }
}
