package com.chaojiyuyan.cli.admin;

import com.chaojiyuyan.cli.client.Profile;
import com.chaojiyuyan.cli.console.Console;
import com.chaojiyuyan.cli.console.JsonOption;
import com.chaojiyuyan.cli.console.KernelApi;
import com.chaojiyuyan.cli.console.VerboseOption;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

@Command(name = "login", mixinStandardHelpOptions = true,
        description = {"Sign in as an owner, for the admin commands.", "",
                "The session token (valid 24 hours) is saved to ~/.chaojiyuyan/session, mode 0600.",
                "The password comes from --password-stdin, CHAOJIYUYAN_PASSWORD, or a prompt without echo."})
public final class LoginCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Option(names = "--email", required = true, paramLabel = "EMAIL", description = "The owner's email.")
    String email;

    @Option(names = "--password-stdin", description = "Read the password from the first line of stdin.")
    boolean passwordStdin;

    @Option(names = "--base-url", paramLabel = "URL",
            description = "The server's API base URL (default: CHAOJIYUYAN_BASE_URL, HEBING_BASE_URL, http://127.0.0.1:8080/api/v1).")
    String baseUrl;

    @Mixin
    JsonOption output;

    @Mixin
    VerboseOption verbose;

    @Override
    public Integer call() {
        Console console = Console.of(spec);
        String url = Profile.baseUrl(baseUrl, null, null)[0];
        String password = Passwords.read(console, passwordStdin, "CHAOJIYUYAN_PASSWORD", "Password for " + email + ": ");
        JsonNode answer;
        try (KernelApi api = KernelApi.open(url, null)) {
            answer = api.post("/auth/login", Map.of("email", email, "password", password));
        }
        JsonNode owner = answer.get("owner");
        OwnerSession session = new OwnerSession(answer.get("token").asString(), url, owner.get("email").asString(),
                answer.get("expires_at").asString());
        session.save();
        if (output.json) {
            ObjectNode doc = (ObjectNode) answer.deepCopy();
            doc.remove("token"); // the secret stays in the file
            doc.put("base_url", url);
            doc.put("session_file", OwnerSession.file().toString());
            console.json(doc);
        } else {
            console.println("signed in as " + session.email() + (owner.path("is_admin").asBoolean() ? " (administrator)" : "")
                    + " at " + url + "; the session is valid until " + session.expiresAt());
            console.note("saved to " + OwnerSession.file() + " (mode 0600); sign out with 'chaojiyuyan logout'");
        }
        return 0;
    }
}
