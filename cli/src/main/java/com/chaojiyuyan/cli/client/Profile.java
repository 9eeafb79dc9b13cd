package com.chaojiyuyan.cli.client;

import com.chaojiyuyan.cli.console.CliError;
import com.chaojiyuyan.cli.console.Endpoint;
import com.chaojiyuyan.cli.console.Environment;
import com.chaojiyuyan.sdk.Credentials;
import com.chaojiyuyan.sdk.KernelClient;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

/**
 * Which agent key and server the client commands use, and where each came from. The order is the SDK's
 * ({@code KernelClient.fromEnv()}): the key from {@code CHAOJIYUYAN_API_KEY}, {@code HEBING_API_KEY},
 * {@code NEXUS_API_KEY}, else the credentials file; the base URL from {@code --base-url},
 * {@code CHAOJIYUYAN_BASE_URL}, {@code HEBING_BASE_URL}, else the file's {@code base_url} when the key came
 * from the file, else the default.
 *
 * @param apiKey        the key, or null when there is none
 * @param keySource     e.g. {@code env CHAOJIYUYAN_API_KEY} or {@code file /home/me/.chaojiyuyan/credentials}
 * @param baseUrl       the API base URL
 * @param baseUrlSource e.g. {@code --base-url}, {@code env HEBING_BASE_URL}, {@code file ...}, {@code default}
 * @param home          the home directory the credentials file is under
 */
public record Profile(String apiKey, String keySource, String baseUrl, String baseUrlSource, Path home) {
    static final List<String> KEY_VARIABLES = List.of("CHAOJIYUYAN_API_KEY", "HEBING_API_KEY", "NEXUS_API_KEY");
    static final List<String> BASE_URL_VARIABLES = List.of("CHAOJIYUYAN_BASE_URL", "HEBING_BASE_URL");

    /** The profile from the environment and {@code ~/.chaojiyuyan/credentials}; {@code baseUrlOption} wins when set. */
    public static Profile resolve(String baseUrlOption) {
        Path home = Environment.home();
        Path file = Credentials.file(home);
        String key = null;
        String keySource = "none";
        for (String name : KEY_VARIABLES) {
            if (Environment.get(name) != null) {
                key = Environment.get(name);
                keySource = "env " + name;
                break;
            }
        }
        Optional<Credentials> saved = Optional.empty();
        if (key == null) {
            saved = Credentials.read(file);
            if (saved.isPresent()) {
                key = saved.get().apiKey();
                keySource = "file " + file;
            }
        }
        String[] url = baseUrl(baseUrlOption, saved.map(Credentials::baseUrl).orElse(null), file);
        return new Profile(key, keySource, url[0], url[1], home);
    }

    /** The base URL and its source, without any agent key involved (the device flow, the owner login). */
    public static String[] baseUrl(String baseUrlOption, String fromFile, Path file) {
        if (baseUrlOption != null) {
            return new String[] {baseUrlOption, "--base-url"};
        }
        for (String name : BASE_URL_VARIABLES) {
            if (Environment.get(name) != null) {
                return new String[] {Environment.get(name), "env " + name};
            }
        }
        if (fromFile != null) {
            return new String[] {fromFile, "file " + file};
        }
        return new String[] {KernelClient.DEFAULT_BASE_URL, "default"};
    }

    /** A client for this profile; a one-line error when there is no key. */
    public KernelClient client() {
        return KernelClient.builder().apiKey(requireKey()).baseUrl(Endpoint.use(baseUrl)).home(home).build();
    }

    /** The key; a one-line error naming the ways to provide one when there is none. */
    public String requireKey() {
        if (apiKey == null) {
            throw CliError.failure("not_connected", "no API key: run 'chaojiyuyan connect', or set CHAOJIYUYAN_API_KEY");
        }
        return apiKey;
    }
}
