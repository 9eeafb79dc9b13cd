package com.chaojiyuyan.sdk;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.chaojiyuyan.sdk.worker.Worker;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Where a client's key and base URL come from: CHAOJIYUYAN_API_KEY, then HEBING_API_KEY, then
 * NEXUS_API_KEY, then ~/.chaojiyuyan/credentials; base URL from CHAOJIYUYAN_BASE_URL, HEBING_BASE_URL,
 * the credentials file (with its key), or the default. And how the credentials file is written.
 */
class FromEnvTest {
    private static final String ITEMS = "{\"items\":[],\"next_cursor\":null}";

    @TempDir
    Path home;

    /** The key and URL a client built from {@code env} (and {@link #home}) sends its first request with. */
    private Transport.Request firstRequest(Map<String, String> env) {
        FakeKernel fake = new FakeKernel().answer(200, ITEMS);
        try (KernelClient client = KernelClient.builder().environment(env).home(home).transport(fake).build()) {
            client.capabilities();
        }
        return fake.last();
    }

    private static String key(Transport.Request r) {
        return r.headers().get("Authorization").substring("Bearer ".length());
    }

    private void saveCredentials(String key, String baseUrl) {
        new Credentials(key, baseUrl).save(Credentials.file(home));
    }

    @Test
    void theKeyComesFromTheFirstVariableSetThenTheCredentialsFile() {
        saveCredentials("nxt_ag_file", null);
        Map<String, String> env = new HashMap<>(Map.of("CHAOJIYUYAN_API_KEY", "nxt_ag_cjy", "HEBING_API_KEY", "nxt_ag_hebing",
                "NEXUS_API_KEY", "nxt_ag_nexus"));
        assertThat(key(firstRequest(env))).isEqualTo("nxt_ag_cjy");
        env.remove("CHAOJIYUYAN_API_KEY");
        assertThat(key(firstRequest(env))).isEqualTo("nxt_ag_hebing");
        env.remove("HEBING_API_KEY");
        assertThat(key(firstRequest(env))).isEqualTo("nxt_ag_nexus");
        env.put("NEXUS_API_KEY", "  ");
        assertThat(key(firstRequest(env))).as("a blank variable counts as unset").isEqualTo("nxt_ag_file");
    }

    @Test
    void theBaseUrlComesFromTheVariablesThenTheFileThenTheDefault() {
        assertThat(firstRequest(Map.of("CHAOJIYUYAN_API_KEY", "k")).uri().toString())
                .isEqualTo(KernelClient.DEFAULT_BASE_URL + "/capability-specs");
        assertThat(firstRequest(Map.of("CHAOJIYUYAN_API_KEY", "k", "HEBING_BASE_URL", "http://h.example/api/v1",
                "CHAOJIYUYAN_BASE_URL", "http://c.example/api/v1/")).uri().toString())
                .isEqualTo("http://c.example/api/v1/capability-specs");
        assertThat(firstRequest(Map.of("CHAOJIYUYAN_API_KEY", "k", "HEBING_BASE_URL", "http://h.example/api/v1")).uri().getHost())
                .isEqualTo("h.example");

        saveCredentials("nxt_ag_file", "http://saved.example/api/v1");
        assertThat(firstRequest(Map.of()).uri().getHost()).as("the file's URL goes with the file's key").isEqualTo("saved.example");
        assertThat(firstRequest(Map.of("CHAOJIYUYAN_API_KEY", "k")).uri().toString())
                .as("a key from the environment does not pick up the file's URL")
                .startsWith(KernelClient.DEFAULT_BASE_URL);
        assertThat(firstRequest(Map.of("HEBING_BASE_URL", "http://h.example/api/v1")).uri().getHost())
                .as("a URL variable wins over the file's").isEqualTo("h.example");
    }

    @Test
    void withoutAGivenHomeTheCredentialsFileIsFoundUnderHomeFromTheEnvironment() {
        saveCredentials("nxt_ag_under_home", null);
        FakeKernel fake = new FakeKernel().answer(200, ITEMS);
        try (KernelClient client = KernelClient.builder().environment(Map.of("HOME", home.toString())).transport(fake).build()) {
            client.capabilities();
        }
        assertThat(key(fake.last())).as("HOME=... means what a shell user expects").isEqualTo("nxt_ag_under_home");
    }

    @Test
    void withoutAnyKeyTheClientSaysWhereItLooked() {
        assertThatThrownBy(() -> KernelClient.builder().environment(Map.of()).home(home).build())
                .isInstanceOf(HebingError.class)
                .hasMessageContaining("CHAOJIYUYAN_API_KEY")
                .hasMessageContaining(Credentials.file(home).toString());
    }

    @Test
    void theCredentialsFileIsJsonOwnerOnlyAndReplacedAtomically() throws Exception {
        Path file = Credentials.file(home);
        new Credentials("nxt_ag_first", "http://one.example/api/v1").save(file);
        new Credentials("nxt_ag_second", null).save(file);

        assertThat(Files.getPosixFilePermissions(file)).isEqualTo(PosixFilePermissions.fromString("rw-------"));
        assertThat(Files.getPosixFilePermissions(file.getParent())).isEqualTo(PosixFilePermissions.fromString("rwx------"));
        assertThat(Credentials.read(file)).contains(new Credentials("nxt_ag_second", null));
        assertThat(Files.readString(file)).contains("\"api_key\"").contains("nxt_ag_second");
        try (var left = Files.list(file.getParent())) {
            assertThat(left).as("no temporary file is left behind").containsExactly(file);
        }
        assertThat(new Credentials("nxt_ag_0123456789abcdef", null).toString()).doesNotContain("0123456789abcdef");
        assertThat(Credentials.delete(file)).isTrue();
        assertThat(Credentials.read(file)).isEmpty();
    }

    @Test
    void aDirectKeyIsUsedAsGiven() {
        FakeKernel fake = new FakeKernel().answer(200, ITEMS);
        try (KernelClient client = KernelClient.builder().apiKey("nxt_ag_direct").baseUrl("http://d.example/api/v1")
                .environment(Map.of("CHAOJIYUYAN_API_KEY", "nxt_ag_env")).transport(fake).build()) {
            client.capabilities();
        }
        assertThat(key(fake.last())).isEqualTo("nxt_ag_direct");
        assertThat(fake.last().uri().getHost()).isEqualTo("d.example");
        assertThat(fake.last().headers().get("User-Agent")).startsWith("chaojiyuyan-sdk-java/");
    }

    @Test
    void aWorkerResolvesItsKeyTheSameWay() {
        saveCredentials("nxt_ag_file", "http://saved.example/api/v1");
        FakeKernel fake = new FakeKernel().answer(200, "{\"capability_keys\":[\"test.echo.v1\"]}");
        try (Worker worker = Worker.builder().environment(Map.of()).home(home).transport(fake)
                .handler("test.echo.v1", task -> task.input()).build()) {
            assertThat(worker.registerHandlers()).containsExactly("test.echo.v1");
        }
        assertThat(key(fake.last())).isEqualTo("nxt_ag_file");
        assertThat(fake.last().uri().toString()).isEqualTo("http://saved.example/api/v1/kernel-agents/me/capabilities");
        assertThat(FakeKernel.body(fake.last())).isEqualTo("{\"capability_keys\":[\"test.echo.v1\"]}");
    }
}
