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
import picocli.CommandLine.Spec;
import tools.jackson.databind.JsonNode;

@Command(name = "owners", mixinStandardHelpOptions = true, description = "Owner accounts (administrators only).")
final class OwnersCommand {
    @Spec
    CommandSpec spec;

    @Command(name = "list", mixinStandardHelpOptions = true, description = "Every owner account, oldest first.")
    int list(@Mixin JsonOption output, @Mixin VerboseOption verbose) {
        Console console = Console.of(spec);
        JsonNode owners = OwnerSession.call(api -> api.get("/admin/owners"));
        if (output.json) {
            console.json(owners);
        } else {
            console.table(List.of("ID", "EMAIL", "ADMIN", "CREATED"), Views.rows(owners.get("items"), o -> List.of(
                    o.get("id").asString(), o.get("email").asString(), o.get("is_admin").asBoolean() ? "yes" : "no",
                    o.get("created_at").asString())));
        }
        return 0;
    }

    @Command(name = "create", mixinStandardHelpOptions = true,
            description = "Create an owner account; the password comes from --password-stdin or a prompt without echo.")
    int create(@Option(names = "--email", required = true, paramLabel = "EMAIL") String email,
               @Option(names = "--admin", description = "Make the owner an administrator.") boolean admin,
               @Option(names = "--password-stdin", description = "Read the new owner's password from the first line of stdin.")
               boolean passwordStdin,
               @Mixin JsonOption output, @Mixin VerboseOption verbose) {
        Console console = Console.of(spec);
        String password = Passwords.read(console, passwordStdin, null, "Password for the new owner " + email + ": ");
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("email", email);
        body.put("password", password);
        body.put("is_admin", admin);
        JsonNode owner = OwnerSession.call(api -> api.post("/admin/owners", body));
        if (output.json) {
            console.json(owner);
        } else {
            console.println("created owner " + owner.get("id").asString() + " " + owner.get("email").asString()
                    + (owner.get("is_admin").asBoolean() ? " (administrator)" : ""));
        }
        return 0;
    }
}
