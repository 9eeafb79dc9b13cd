package com.chaojiyuyan.sdk.internal;

import com.chaojiyuyan.sdk.Credentials;
import com.chaojiyuyan.sdk.HebingError;
import com.chaojiyuyan.sdk.Transport;
import java.net.http.HttpClient;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Where the key and base URL come from, and how to reach the kernel; shared by the client's and the
 * worker's builders. Not public API.
 *
 * <p>Key: the explicit one, else {@code CHAOJIYUYAN_API_KEY}, {@code HEBING_API_KEY}, {@code NEXUS_API_KEY}
 * (first non-blank), else the credentials file. Base URL: the explicit one, else
 * {@code CHAOJIYUYAN_BASE_URL}, {@code HEBING_BASE_URL}, else the file's {@code base_url} when the key came
 * from the file, else {@link #DEFAULT_BASE_URL}.
 */
public final class ConnectionSettings {
    public static final String DEFAULT_BASE_URL = "http://127.0.0.1:8080/api/v1";
    public static final List<String> KEY_VARIABLES = List.of("CHAOJIYUYAN_API_KEY", "HEBING_API_KEY", "NEXUS_API_KEY");
    public static final List<String> BASE_URL_VARIABLES = List.of("CHAOJIYUYAN_BASE_URL", "HEBING_BASE_URL");

    public String apiKey;
    public String baseUrl;
    public Map<String, String> environment;
    public Path home;
    public Duration timeout = Duration.ofSeconds(30);
    public Duration connectTimeout = Duration.ofSeconds(10);
    public String userAgent = "chaojiyuyan-sdk-java/" + SdkVersion.VERSION;
    public Transport transport;

    public Map<String, String> environment() {
        return environment != null ? environment : System.getenv();
    }

    /** The given home, else {@code $HOME} (what a shell user means), else the JVM's {@code user.home}. */
    public Path home() {
        if (home != null) {
            return home;
        }
        String fromEnvironment = environment().get("HOME");
        return Path.of(fromEnvironment != null && !fromEnvironment.isBlank() ? fromEnvironment : System.getProperty("user.home"));
    }

    public Path credentialsFile() {
        return Credentials.file(home());
    }

    /** The base URL when the key is explicit (no credentials file involved). */
    public String baseUrlWithoutFile() {
        if (baseUrl != null) {
            return baseUrl;
        }
        return firstSet(BASE_URL_VARIABLES).orElse(DEFAULT_BASE_URL);
    }

    /** Resolves key and base URL and opens the connection; a HebingError when no key is found anywhere. */
    public Connection open() {
        if (apiKey != null) {
            return open(apiKey, baseUrlWithoutFile());
        }
        Optional<String> fromEnv = firstSet(KEY_VARIABLES);
        if (fromEnv.isPresent()) {
            return open(fromEnv.get(), baseUrlWithoutFile());
        }
        Credentials saved = Credentials.read(credentialsFile()).orElseThrow(() -> new HebingError(
                "no API key: set CHAOJIYUYAN_API_KEY (or HEBING_API_KEY / NEXUS_API_KEY), save one in "
                        + credentialsFile() + ", or log in with KernelClient.loginDeviceFlow(...)"));
        String url = baseUrl != null ? baseUrl
                : firstSet(BASE_URL_VARIABLES).orElse(saved.baseUrl() != null ? saved.baseUrl() : DEFAULT_BASE_URL);
        return open(saved.apiKey(), url);
    }

    /** A connection with {@code key} (null for none, as the device flow's endpoints need). */
    public Connection open(String key, String url) {
        HttpClient owned = null;
        Transport t = transport;
        if (t == null) {
            // HTTP/1.1: the kernel speaks it natively; h2c upgrades only add a round trip.
            owned = HttpClient.newBuilder().connectTimeout(connectTimeout).version(HttpClient.Version.HTTP_1_1)
                    .followRedirects(HttpClient.Redirect.NEVER).build();
            t = Transport.over(owned);
        }
        return new Connection(new KernelHttp(url, key, userAgent, timeout, t), owned);
    }

    private Optional<String> firstSet(List<String> names) {
        Map<String, String> env = environment();
        return names.stream().map(env::get).filter(v -> v != null && !v.isBlank()).map(String::trim).findFirst();
    }
}
