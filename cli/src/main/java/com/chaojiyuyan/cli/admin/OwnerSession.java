package com.chaojiyuyan.cli.admin;

import com.chaojiyuyan.cli.client.Profile;
import com.chaojiyuyan.cli.console.CliError;
import com.chaojiyuyan.cli.console.Environment;
import com.chaojiyuyan.cli.console.JsonText;
import com.chaojiyuyan.cli.console.KernelApi;
import com.chaojiyuyan.cli.console.PrivateFile;
import com.chaojiyuyan.sdk.HebingApiError;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;

/**
 * The owner's signed-in session, {@code ~/.chaojiyuyan/session}: the session token {@code login} got (the
 * client's only copy: the server keeps a hash), the server it belongs to, the email and the expiry. Mode
 * 0600, written atomically, like the credentials file. {@code CHAOJIYUYAN_OWNER_TOKEN} stands in for it in
 * scripts (with the base URL from the environment).
 *
 * @param token     {@code nxt_os_...}
 * @param baseUrl   the API base URL it was issued by
 * @param email     who signed in (null for a token from the environment)
 * @param expiresAt when the server stops accepting it (ISO-8601; null when unknown)
 */
public record OwnerSession(String token, String baseUrl, String email, String expiresAt) {
    static final String TOKEN_VARIABLE = "CHAOJIYUYAN_OWNER_TOKEN";

    public static Path file() {
        return Environment.home().resolve(".chaojiyuyan").resolve("session");
    }

    /** The saved session, if any. */
    public static Optional<OwnerSession> read() {
        Path file = file();
        if (!Files.isRegularFile(file)) {
            return Optional.empty();
        }
        try {
            JsonNode n = JsonText.parse(Files.readString(file, StandardCharsets.UTF_8));
            String token = n.path("token").asString(null);
            if (token == null) {
                return Optional.empty();
            }
            return Optional.of(new OwnerSession(token, n.path("base_url").asString(null), n.path("email").asString(null),
                    n.path("expires_at").asString(null)));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (JacksonException e) {
            throw CliError.failure("invalid_session", file + " is not a session file; delete it and run 'chaojiyuyan login'");
        }
    }

    void save() {
        Map<String, String> doc = new LinkedHashMap<>();
        doc.put("token", token);
        doc.put("base_url", baseUrl);
        doc.put("email", email);
        doc.put("expires_at", expiresAt);
        PrivateFile.write(file(), (JsonText.pretty(JsonText.tree(doc)) + "\n").getBytes(StandardCharsets.UTF_8));
    }

    static boolean delete() {
        try {
            return Files.deleteIfExists(file());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The owner credential for a command: {@code CHAOJIYUYAN_OWNER_TOKEN}, else the saved session; a one-line error without either. */
    static OwnerSession require() {
        String fromEnv = Environment.get(TOKEN_VARIABLE);
        if (fromEnv != null) {
            return new OwnerSession(fromEnv, Profile.baseUrl(null, null, null)[0], null, null);
        }
        OwnerSession s = read().orElseThrow(() -> CliError.failure("not_logged_in",
                "no owner session: sign in with 'chaojiyuyan login --email EMAIL' (or set " + TOKEN_VARIABLE + ")"));
        if (s.expiresAt() != null && Instant.parse(s.expiresAt()).isBefore(Instant.now())) {
            throw CliError.failure("session_expired", "the owner session of " + s.email() + " expired at " + s.expiresAt()
                    + ": sign in again with 'chaojiyuyan login --email " + s.email() + "'");
        }
        return s;
    }

    /** Runs {@code call} against the session's server with its token; a refused token becomes a hint to sign in again. */
    static <T> T call(Function<KernelApi, T> call) {
        OwnerSession s = require();
        try (KernelApi api = KernelApi.open(s.baseUrl(), s.token())) {
            return call.apply(api);
        } catch (HebingApiError e) {
            if (e.status() == 401) {
                throw CliError.failure("unauthenticated", "the server refused the owner session (expired or signed out): "
                        + "sign in again with 'chaojiyuyan login --email " + (s.email() == null ? "EMAIL" : s.email()) + "'");
            }
            throw e;
        }
    }
}
