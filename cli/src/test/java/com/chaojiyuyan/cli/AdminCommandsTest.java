package com.chaojiyuyan.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.chaojiyuyan.kernel.testing.TestKernel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import tools.jackson.databind.JsonNode;

/**
 * {@code login}, {@code logout} and the {@code admin} commands of an owner and an administrator: owners,
 * agents and keys, capability specs from JSON and YAML, credits, webhook endpoints.
 */
@Timeout(120)
class AdminCommandsTest {
    private static TestKernel kernel;
    private static CliProcess admin;

    @BeforeAll
    static void signIn() {
        kernel = SharedKernel.get();
        admin = CliProcess.freshUser();
        CliProcess.Result r = admin.runWithInput(TestKernel.ADMIN_PASSWORD + "\n", "login", "--email", TestKernel.ADMIN_EMAIL,
                "--password-stdin", "--base-url", SharedKernel.apiUrl());
        assertThat(r.exit()).as(r.toString()).isZero();
    }

    @Test
    void loginKeepsThePrivateSessionAndAWrongPasswordKeepsNothing() throws Exception {
        Path session = admin.home().resolve(".chaojiyuyan/session");
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(session))).isEqualTo("rw-------");
        assertThat(Files.readString(session)).contains("\"token\": \"nxt_os_");

        CliProcess stranger = CliProcess.freshUser();
        CliProcess.Result wrong = stranger.runWithInput("not-the-password\n", "login", "--email", TestKernel.ADMIN_EMAIL,
                "--password-stdin", "--base-url", SharedKernel.apiUrl());
        assertThat(wrong.exit()).as(wrong.toString()).isEqualTo(1);
        assertThat(wrong.errLines()).singleElement().asString().startsWith("chaojiyuyan: error: unauthenticated: ");
        assertThat(stranger.home().resolve(".chaojiyuyan/session")).doesNotExist();

        CliProcess.Result noTerminal = stranger.run("login", "--email", TestKernel.ADMIN_EMAIL, "--base-url", SharedKernel.apiUrl());
        assertThat(noTerminal.exit()).isEqualTo(2);
        assertThat(noTerminal.errLines()).singleElement().asString().startsWith("chaojiyuyan: error: no_password: ");

        CliProcess.Result notLoggedIn = stranger.run("admin", "agents", "list");
        assertThat(notLoggedIn.exit()).isEqualTo(1);
        assertThat(notLoggedIn.errLines()).singleElement().asString().startsWith("chaojiyuyan: error: not_logged_in: ");
    }

    @Test
    void ownersAgentsAndKeys() {
        String email = "cli-owner-" + System.nanoTime() + "@test.local";
        CliProcess.Result created = admin.runWithInput("owner-password-1\n", "admin", "owners", "create", "--email", email,
                "--password-stdin", "--json");
        assertThat(created.exit()).as(created.toString()).isZero();
        assertThat(created.json().get("is_admin").asBoolean()).isFalse();
        CliProcess.Result owners = admin.run("admin", "owners", "list");
        assertThat(owners.out()).containsPattern("own_\\w+\\s+" + email.replace(".", "\\.") + "\\s+no");

        // The new owner signs in and manages their own agents; administrator routes stay closed to them.
        CliProcess owner = CliProcess.freshUser();
        assertThat(owner.runWithInput("owner-password-1\n", "login", "--email", email, "--password-stdin",
                "--base-url", SharedKernel.apiUrl()).exit()).isZero();
        CliProcess.Result forbidden = owner.run("admin", "owners", "list");
        assertThat(forbidden.exit()).isEqualTo(1);
        assertThat(forbidden.errLines()).singleElement().asString().startsWith("chaojiyuyan: error: admin_required: ");

        CliProcess.Result agent = owner.run("admin", "agents", "create", "research bot");
        assertThat(agent.exit()).as(agent.toString()).isZero();
        assertThat(agent.out()).containsPattern("api key: nxt_ag_\\w{49}");
        CliProcess.Result agents = owner.run("admin", "agents", "list", "--json");
        JsonNode first = agents.json().get("items").get(0);
        String agentId = first.get("id").asString();
        assertThat(first.get("name").asString()).isEqualTo("research bot");

        CliProcess.Result added = owner.run("admin", "agents", "add-key", agentId, "--json");
        assertThat(added.exit()).as(added.toString()).isZero();
        String keyId = added.json().get("key").get("id").asString();
        CliProcess.Result revoked = owner.run("admin", "agents", "revoke-key", agentId, keyId);
        assertThat(revoked.exit()).as(revoked.toString()).isZero();
        CliProcess.Result table = owner.run("admin", "agents", "list");
        assertThat(table.out()).containsPattern(keyId + "\\s+nxt_ag_\\S+\\s+revoked").containsPattern("research bot\\s+key_\\w+\\s+nxt_ag_\\S+\\s+live");

        CliProcess.Result logout = owner.run("logout");
        assertThat(logout.exit()).isZero();
        assertThat(owner.home().resolve(".chaojiyuyan/session")).doesNotExist();
        assertThat(owner.run("admin", "agents", "list").err()).contains("not_logged_in");
    }

    @Test
    void capabilitySpecsFromYamlAndJson() throws Exception {
        String key = "cli.spec" + System.nanoTime() + ".v1";
        Path yaml = Files.writeString(Files.createTempFile("spec-", ".yaml"), """
                capability_key: %s
                name: Summarise
                price_nc: 5
                input_schema:
                  type: object
                  required: [text]
                  properties:
                    text: {type: string}
                """.formatted(key));
        CliProcess.Result first = admin.run("admin", "specs", "apply", yaml.toString());
        assertThat(first.exit()).as(first.toString()).isZero();
        assertThat(first.out()).containsPattern(key.replace(".", "\\.") + "\\s+created\\s+active");

        Path json = Files.writeString(Files.createTempFile("spec-", ".json"),
                "[{\"capability_key\": \"%s\", \"name\": \"Summarise v2\", \"price_nc\": 7}]".formatted(key));
        CliProcess.Result second = admin.run("admin", "specs", "apply", json.toString(), "--json");
        assertThat(second.exit()).as(second.toString()).isZero();
        assertThat(second.json().get("items").get(0).get("price_nc").asLong()).isEqualTo(7);

        CliProcess.Result deprecated = admin.run("admin", "specs", "deprecate", key);
        assertThat(deprecated.out().strip()).isEqualTo(key + " deprecated");
        CliProcess.Result listed = admin.run("admin", "specs", "list", "--include-deprecated", "--json");
        assertThat(listed.json().get("items").valueStream().filter(s -> s.get("capability_key").asString().equals(key))
                .map(s -> s.get("status").asString())).containsExactly("deprecated");

        Path broken = Files.writeString(Files.createTempFile("spec-", ".yaml"), "name: [unclosed");
        CliProcess.Result refused = admin.run("admin", "specs", "apply", broken.toString());
        assertThat(refused.exit()).isEqualTo(2);
        assertThat(refused.errLines()).singleElement().asString().startsWith("chaojiyuyan: error: invalid_file: ");
    }

    @Test
    void creditsAndWebhookEndpoints() {
        TestKernel.Owner owner = kernel.newOwner();
        CliProcess.Result grant = admin.run("admin", "credits", "grant", owner.id(), "250", "--memo", "welcome", "--json");
        assertThat(grant.exit()).as(grant.toString()).isZero();
        assertThat(grant.json().get("balance").get("available_nc").asLong()).isEqualTo(250);
        CliProcess.Result summary = admin.run("admin", "credits", "summary", "--json");
        assertThat(summary.json().get("total_nc").asLong()).isZero();
        assertThat(summary.json().get("issued_nc").asLong()).isGreaterThanOrEqualTo(250);
        assertThat(admin.run("admin", "credits", "balance").out()).containsPattern("available:\\s+\\d+ nc");
        assertThat(admin.run("admin", "credits", "ledger", "--json").json().has("items")).isTrue();

        CliProcess.Result created = admin.run("admin", "webhooks", "create", "https://example.org/hooks/cli", "--description", "ci");
        assertThat(created.exit()).as(created.toString()).isZero();
        assertThat(created.out()).containsPattern("secret: whsec_\\S+");
        String id = admin.run("admin", "webhooks", "list", "--json").json().get("items").valueStream()
                .filter(e -> e.get("url").asString().equals("https://example.org/hooks/cli")).findFirst().orElseThrow().get("id").asString();
        CliProcess.Result rotated = admin.run("admin", "webhooks", "rotate", id, "--grace", "0", "--json");
        assertThat(rotated.exit()).as(rotated.toString()).isZero();
        assertThat(rotated.json().get("secret").asString()).startsWith("whsec_");
        assertThat(admin.run("admin", "webhooks", "delete", id).exit()).isZero();
        CliProcess.Result gone = admin.run("admin", "webhooks", "delete", id);
        assertThat(gone.exit()).isEqualTo(1);
        assertThat(gone.errLines()).singleElement().asString().startsWith("chaojiyuyan: error: not_found: ");
    }
}
