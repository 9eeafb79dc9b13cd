package com.chaojiyuyan.sdk;

import com.chaojiyuyan.sdk.internal.Json;
import com.chaojiyuyan.sdk.internal.PrivateFiles;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;

/**
 * The saved login: {@code ~/.chaojiyuyan/credentials}, a JSON object
 * {@code {"api_key": "nxt_ag_...", "base_url": "http://127.0.0.1:8080/api/v1"}} ({@code base_url} optional).
 * The file is written atomically (a temporary file in the same directory, then a rename) with mode 0600
 * in a directory of mode 0700, since it holds a secret.
 *
 * @param apiKey  the agent key
 * @param baseUrl the kernel's API base URL the key belongs to, or null for the default
 */
public record Credentials(String apiKey, String baseUrl) {

    /** {@code HOME/.chaojiyuyan/credentials}. */
    public static Path file(Path home) {
        return home.resolve(".chaojiyuyan").resolve("credentials");
    }

    /** The credentials in {@code file}; empty when the file is missing or has no {@code api_key}. */
    public static Optional<Credentials> read(Path file) {
        if (!Files.isRegularFile(file)) {
            return Optional.empty();
        }
        try {
            JsonNode n = Json.MAPPER.readTree(Files.readString(file, StandardCharsets.UTF_8));
            String key = Json.text(n, "api_key");
            return key == null || key.isBlank() ? Optional.empty() : Optional.of(new Credentials(key, Json.text(n, "base_url")));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (JacksonException e) {
            throw new HebingError("the credentials file " + file + " is not JSON of the form {\"api_key\": ..., \"base_url\": ...}", e);
        }
    }

    /** Writes these credentials to {@code file}, atomically, mode 0600 (directory 0700 when created here). */
    public void save(Path file) {
        Map<String, String> doc = new LinkedHashMap<>();
        doc.put("api_key", apiKey);
        if (baseUrl != null) {
            doc.put("base_url", baseUrl);
        }
        PrivateFiles.write(file, (Json.MAPPER.writerWithDefaultPrettyPrinter().writeValueAsString(doc) + "\n")
                .getBytes(StandardCharsets.UTF_8));
    }

    /** Deletes {@code file}; false when there was none. */
    public static boolean delete(Path file) {
        try {
            return Files.deleteIfExists(file);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Masks the key, so credentials can be logged. */
    @Override
    public String toString() {
        String hint = apiKey == null || apiKey.length() < 12 ? "****" : apiKey.substring(0, 11) + "..." + apiKey.substring(apiKey.length() - 4);
        return "Credentials[apiKey=" + hint + ", baseUrl=" + baseUrl + "]";
    }
}
