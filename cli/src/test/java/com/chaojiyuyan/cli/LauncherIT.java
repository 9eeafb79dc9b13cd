package com.chaojiyuyan.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The README's first command, as a user runs it: {@code bin/chaojiyuyan serve} starts the server on the
 * embedded database and prints where it listens and how to sign in; the printed password signs in.
 */
class LauncherIT {
    private static final Path ROOT = Path.of("..").toAbsolutePath().normalize();

    @Test
    @Timeout(120)
    void serveStartsOnTheEmbeddedDatabaseAndPrintsHowToSignIn() throws Exception {
        Path dataDir = Files.createTempDirectory("cjy-launcher-");
        ProcessBuilder pb = new ProcessBuilder(ROOT.resolve("bin/chaojiyuyan").toString(), "serve")
                .redirectErrorStream(false);
        pb.environment().put("CHAOJIYUYAN_DATA_DIR", dataDir.toString());
        pb.environment().put("CHAOJIYUYAN_PORT", "0");
        pb.environment().remove("CHAOJIYUYAN_DB_URL");
        pb.environment().remove("CHAOJIYUYAN_ADMIN_PASSWORD");
        Process server = pb.start();
        List<String> lines = new CopyOnWriteArrayList<>();
        Thread.ofVirtual().start(() -> {
            try (BufferedReader r = new BufferedReader(new InputStreamReader(server.getInputStream(), StandardCharsets.UTF_8))) {
                for (String line; (line = r.readLine()) != null; ) {
                    lines.add(line);
                }
            } catch (java.io.IOException ignored) {
                // the process ended
            }
        });
        try {
            await().atMost(Duration.ofSeconds(90)).until(() -> lines.stream().anyMatch(l -> l.startsWith("stop with")));
            String banner = String.join("\n", lines);
            Matcher listening = Pattern.compile("listening on (http://127\\.0\\.0\\.1:\\d+)").matcher(banner);
            assertThat(listening.find()).as(banner).isTrue();
            assertThat(banner).contains("jdbc:sqlite:" + dataDir.resolve("chaojiyuyan.db"));
            Matcher password = Pattern.compile("password: (\\S+)").matcher(banner);
            assertThat(password.find()).as(banner).isTrue();

            String base = listening.group(1);
            HttpClient http = HttpClient.newHttpClient();
            assertThat(http.send(HttpRequest.newBuilder(URI.create(base + "/healthz")).build(),
                    HttpResponse.BodyHandlers.ofString()).statusCode()).isEqualTo(200);
            HttpResponse<String> login = http.send(HttpRequest.newBuilder(URI.create(base + "/api/v1/auth/login"))
                    .header("Content-Type", "application/json")
                    .POST(HttpRequest.BodyPublishers.ofString(
                            "{\"email\":\"admin@localhost\",\"password\":\"" + password.group(1) + "\"}"))
                    .build(), HttpResponse.BodyHandlers.ofString());
            assertThat(login.statusCode()).as(login.body()).isEqualTo(200);
            assertThat(login.body()).contains("\"token\":\"nxt_os_");
        } finally {
            server.destroy();
            server.waitFor();
        }
    }
}
