package com.chaojiyuyan.kernel;

import java.net.URI;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Map;

/**
 * Server settings, read from {@code CHAOJIYUYAN_*} environment variables (flags of {@code serve}
 * override them). Every value is checked here, so a typo fails at start with a message naming it.
 *
 * @param host               interface to bind (CHAOJIYUYAN_HOST, default 127.0.0.1; 0.0.0.0 for all)
 * @param port               TCP port (CHAOJIYUYAN_PORT, default 8080; 0 picks a free one)
 * @param dataDir            where the embedded database lives (CHAOJIYUYAN_DATA_DIR, default ~/.chaojiyuyan/server)
 * @param dbUrl              JDBC URL (CHAOJIYUYAN_DB_URL; default the SQLite file in dataDir; a PostgreSQL URL selects PostgreSQL)
 * @param dbPoolSize         connections in the pool (CHAOJIYUYAN_DB_POOL_SIZE, default 10)
 * @param publicUrl          the URL clients reach this server at, for view_url and verification_uri
 *                           (CHAOJIYUYAN_PUBLIC_URL; default http://host:port); null until known
 * @param adminEmail         first admin's email (CHAOJIYUYAN_ADMIN_EMAIL, default admin@localhost)
 * @param adminPassword      first admin's password (CHAOJIYUYAN_ADMIN_PASSWORD; generated and shown once if unset)
 * @param webhookAllowPrivate allow webhook targets in private ranges (CHAOJIYUYAN_WEBHOOK_ALLOW_PRIVATE, default false)
 * @param maxBodyBytes       request body limit (CHAOJIYUYAN_MAX_BODY_BYTES, default 1 MiB)
 * @param sweepIntervalMillis how often leases and TTLs are swept (CHAOJIYUYAN_SWEEP_INTERVAL_MS, default 1000)
 * @param rateLimitPerSecond requests per second per agent key or session (CHAOJIYUYAN_RATE_LIMIT_PER_SECOND,
 *                           default 100; bursts up to twice that; 0 turns the limit off)
 * @param platformFeePercent the platform's share of each paid job's price, in whole percent, rounded down
 *                           (CHAOJIYUYAN_PLATFORM_FEE_PERCENT, default 0)
 * @param blobDir            where artifact bytes are stored (CHAOJIYUYAN_BLOB_DIR, default dataDir/blobs); nodes
 *                           sharing a PostgreSQL database must share it too
 * @param maxArtifactBytes   size limit of one inline artifact, decoded (CHAOJIYUYAN_MAX_ARTIFACT_BYTES, default 10 MiB)
 * @param maxSubmitBytes     body limit of a submit, which carries inline artifacts in base64
 *                           (CHAOJIYUYAN_MAX_SUBMIT_BYTES, default 32 MiB; at least maxBodyBytes)
 * @param deviceCodeTtlSeconds how long a device-flow code pair stays usable (CHAOJIYUYAN_DEVICE_CODE_TTL_SECONDS, default 900)
 * @param devicePollIntervalSeconds the polling interval a device-flow client is given (CHAOJIYUYAN_DEVICE_POLL_INTERVAL_SECONDS,
 *                           default 5)
 * @param webhookRetryBaseSeconds first webhook retry delay, doubling per attempt (CHAOJIYUYAN_WEBHOOK_RETRY_BASE_SECONDS, default 5)
 * @param secretKey          base64 of 32 bytes sealing webhook secrets at rest (CHAOJIYUYAN_SECRET_KEY; default the
 *                           file webhook.key in dataDir, created once; several nodes must share one key)
 */
public record ServerConfig(
        String host,
        int port,
        Path dataDir,
        String dbUrl,
        int dbPoolSize,
        String publicUrl,
        String adminEmail,
        String adminPassword,
        boolean webhookAllowPrivate,
        long maxBodyBytes,
        long sweepIntervalMillis,
        int rateLimitPerSecond,
        int platformFeePercent,
        Path blobDir,
        long maxArtifactBytes,
        long maxSubmitBytes,
        int deviceCodeTtlSeconds,
        int devicePollIntervalSeconds,
        int webhookRetryBaseSeconds,
        String secretKey) {

    @Override
    public String toString() {
        // The key must never reach a log line through a printed config.
        return "ServerConfig[host=" + host + ", port=" + port + ", dataDir=" + dataDir + ", db=" + dbUrl.replaceAll("(?i)(password=)[^&]*", "$1***")
                + ", webhookAllowPrivate=" + webhookAllowPrivate + ", secretKey=" + (secretKey == null ? "file" : "***") + "]";
    }

    public static ServerConfig fromEnvironment() {
        return fromEnvironment(System.getenv());
    }

    public static ServerConfig fromEnvironment(Map<String, String> env) {
        // $HOME first, like the command line and the SDK: `HOME=/somewhere chaojiyuyan serve` means what it says.
        String home = value(env, "HOME", System.getProperty("user.home"));
        Path dataDir = Path.of(value(env, "CHAOJIYUYAN_DATA_DIR", home + "/.chaojiyuyan/server")).toAbsolutePath();
        String host = value(env, "CHAOJIYUYAN_HOST", "127.0.0.1");
        int port = integer(env, "CHAOJIYUYAN_PORT", 8080, 0, 65535);
        String dbUrl = jdbcUrl(value(env, "CHAOJIYUYAN_DB_URL", null), dataDir);
        int maxBody = integer(env, "CHAOJIYUYAN_MAX_BODY_BYTES", 1 << 20, 1024, 1 << 30);
        int maxSubmit = integer(env, "CHAOJIYUYAN_MAX_SUBMIT_BYTES", 32 << 20, 1024, 1 << 30);
        if (maxSubmit < maxBody) {
            throw new IllegalArgumentException("CHAOJIYUYAN_MAX_SUBMIT_BYTES (" + maxSubmit
                    + ") must be at least CHAOJIYUYAN_MAX_BODY_BYTES (" + maxBody + ")");
        }
        String blobDir = value(env, "CHAOJIYUYAN_BLOB_DIR", null);
        return new ServerConfig(
                host,
                port,
                dataDir,
                dbUrl,
                integer(env, "CHAOJIYUYAN_DB_POOL_SIZE", 10, 2, 500),
                publicUrl(value(env, "CHAOJIYUYAN_PUBLIC_URL", null)),
                value(env, "CHAOJIYUYAN_ADMIN_EMAIL", null),
                value(env, "CHAOJIYUYAN_ADMIN_PASSWORD", null),
                bool(env, "CHAOJIYUYAN_WEBHOOK_ALLOW_PRIVATE", false),
                maxBody,
                integer(env, "CHAOJIYUYAN_SWEEP_INTERVAL_MS", 1000, 10, 60_000),
                integer(env, "CHAOJIYUYAN_RATE_LIMIT_PER_SECOND", 100, 0, 1_000_000),
                integer(env, "CHAOJIYUYAN_PLATFORM_FEE_PERCENT", 0, 0, 100),
                blobDir == null ? dataDir.resolve("blobs") : Path.of(blobDir).toAbsolutePath(),
                // At most 64 MiB: its base64 must fit one JSON string of the parser (100 million characters).
                integer(env, "CHAOJIYUYAN_MAX_ARTIFACT_BYTES", 10 << 20, 0, 64 << 20),
                maxSubmit,
                integer(env, "CHAOJIYUYAN_DEVICE_CODE_TTL_SECONDS", 900, 60, 86_400),
                integer(env, "CHAOJIYUYAN_DEVICE_POLL_INTERVAL_SECONDS", 5, 1, 60),
                integer(env, "CHAOJIYUYAN_WEBHOOK_RETRY_BASE_SECONDS", 5, 1, 3600),
                value(env, "CHAOJIYUYAN_SECRET_KEY", null));
    }

    public boolean isSqlite() {
        return dbUrl.startsWith("jdbc:sqlite:");
    }

    /**
     * Accepts {@code jdbc:sqlite:}, {@code jdbc:postgresql:} and libpq-style {@code postgres://user:pw@host/db}
     * (turned into its JDBC form).
     */
    static String jdbcUrl(String given, Path dataDir) {
        if (given == null || given.isBlank()) {
            return "jdbc:sqlite:" + dataDir.resolve("chaojiyuyan.db");
        }
        String url = given.trim();
        if (url.startsWith("jdbc:sqlite:") || url.startsWith("jdbc:postgresql:")) {
            return url;
        }
        if (url.startsWith("postgres://") || url.startsWith("postgresql://")) {
            URI uri = URI.create(url);
            StringBuilder jdbc = new StringBuilder("jdbc:postgresql://").append(uri.getHost());
            if (uri.getPort() > 0) {
                jdbc.append(':').append(uri.getPort());
            }
            jdbc.append(uri.getPath() == null || uri.getPath().isEmpty() ? "/postgres" : uri.getPath());
            String query = uri.getRawQuery() == null ? "" : uri.getRawQuery();
            if (uri.getRawUserInfo() != null) {
                String[] userInfo = uri.getRawUserInfo().split(":", 2);
                query = (query.isEmpty() ? "" : query + "&") + "user=" + userInfo[0]
                        + (userInfo.length > 1 ? "&password=" + URLEncoder.encode(
                                java.net.URLDecoder.decode(userInfo[1], StandardCharsets.UTF_8), StandardCharsets.UTF_8) : "");
            }
            return query.isEmpty() ? jdbc.toString() : jdbc + "?" + query;
        }
        throw new IllegalArgumentException("CHAOJIYUYAN_DB_URL must be jdbc:sqlite:<file>, jdbc:postgresql://... or postgres://...");
    }

    private static String publicUrl(String given) {
        if (given == null || given.isBlank()) {
            return null;
        }
        String url = given.trim().replaceAll("/+$", "");
        if (!url.startsWith("http://") && !url.startsWith("https://")) {
            throw new IllegalArgumentException("CHAOJIYUYAN_PUBLIC_URL must start with http:// or https://");
        }
        return url;
    }

    private static String value(Map<String, String> env, String name, String fallback) {
        String v = env.get(name);
        return v == null || v.isBlank() ? fallback : v.trim();
    }

    private static int integer(Map<String, String> env, String name, int fallback, int min, int max) {
        String v = value(env, name, null);
        if (v == null) {
            return fallback;
        }
        try {
            int n = Integer.parseInt(v);
            if (n < min || n > max) {
                throw new IllegalArgumentException(name + " must be between " + min + " and " + max + ", got " + n);
            }
            return n;
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(name + " must be a whole number, got '" + v + "'");
        }
    }

    private static boolean bool(Map<String, String> env, String name, boolean fallback) {
        String v = value(env, name, null);
        if (v == null) {
            return fallback;
        }
        return switch (v.toLowerCase(java.util.Locale.ROOT)) {
            case "true", "1", "yes", "on" -> true;
            case "false", "0", "no", "off" -> false;
            default -> throw new IllegalArgumentException(name + " must be true or false, got '" + v + "'");
        };
    }
}
