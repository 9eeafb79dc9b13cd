package com.chaojiyuyan.sdk.webhooks;

import java.nio.charset.StandardCharsets;
import java.security.InvalidKeyException;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.HexFormat;
import java.util.Locale;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * Checks that a settlement webhook really comes from the kernel. Two signatures arrive with every delivery;
 * checking either is enough:
 *
 * <ul>
 *   <li>{@code X-Kernel-Signature: sha256=<hex>}: HMAC-SHA256 of the raw body, keyed with the UTF-8 bytes
 *       of the whole secret string ({@link #verifySignature});</li>
 *   <li>Standard Webhooks: {@code webhook-id}, {@code webhook-timestamp}, {@code webhook-signature:
 *       v1,<base64>} (one entry per valid secret), HMAC-SHA256 of {@code id.timestamp.body} keyed with the
 *       base64-decoded bytes after {@code whsec_} ({@link #verifyStandard}).</li>
 * </ul>
 *
 * Comparisons are constant-time. Always verify the raw body bytes as received, before parsing them.
 */
public final class Webhooks {
    /** How far a Standard Webhooks timestamp may be from now (either way) before it is refused as a replay. */
    public static final Duration TIMESTAMP_TOLERANCE = Duration.ofMinutes(5);
    private static final String SECRET_PREFIX = "whsec_";

    private Webhooks() {
    }

    /** {@link #verifySignature(String, byte[], String, String, Instant)} without a previous secret. */
    public static boolean verifySignature(String header, byte[] body, String currentSecret) {
        return verifySignature(header, body, currentSecret, null, null);
    }

    /** The same over a body given as text (its UTF-8 bytes). */
    public static boolean verifySignature(String header, String body, String currentSecret) {
        return verifySignature(header, body.getBytes(StandardCharsets.UTF_8), currentSecret, null, null);
    }

    /**
     * Whether {@code header} (the {@code X-Kernel-Signature} value, {@code sha256=<hex>}) signs {@code body}
     * with the current secret, or with the previous one while its rotation grace period lasts.
     *
     * @param previousSecret          the secret before the last rotation, or null
     * @param previousSecretExpiresAt until when it is valid (null: not at all)
     */
    public static boolean verifySignature(String header, byte[] body, String currentSecret, String previousSecret,
                                          Instant previousSecretExpiresAt) {
        return verifySignature(header, body, currentSecret, previousSecret, previousSecretExpiresAt, Clock.systemUTC());
    }

    /** {@link #verifySignature(String, byte[], String, String, Instant)} at the time of {@code clock}. */
    public static boolean verifySignature(String header, byte[] body, String currentSecret, String previousSecret,
                                          Instant previousSecretExpiresAt, Clock clock) {
        if (header == null || body == null) {
            return false;
        }
        String h = header.trim();
        if (!h.regionMatches(true, 0, "sha256=", 0, 7)) {
            return false;
        }
        byte[] given;
        try {
            given = HexFormat.of().parseHex(h.substring(7).toLowerCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            return false;
        }
        boolean ok = currentSecret != null && MessageDigest.isEqual(given, hmac(utf8(currentSecret), body));
        if (previousSecret != null && previousSecretExpiresAt != null && clock.instant().isBefore(previousSecretExpiresAt)) {
            ok |= MessageDigest.isEqual(given, hmac(utf8(previousSecret), body));
        }
        return ok;
    }

    /** The {@code X-Kernel-Signature} value for {@code body} under {@code secret}: {@code sha256=<hex>}. */
    public static String sign(byte[] body, String secret) {
        return "sha256=" + HexFormat.of().formatHex(hmac(utf8(secret), body));
    }

    /** {@link #verifyStandard(String, String, String, byte[], Clock, String...)} now. */
    public static boolean verifyStandard(String webhookId, String webhookTimestamp, String webhookSignature, byte[] body,
                                         String... secrets) {
        return verifyStandard(webhookId, webhookTimestamp, webhookSignature, body, Clock.systemUTC(), secrets);
    }

    /**
     * Whether the Standard Webhooks headers sign {@code body}: the timestamp (Unix seconds) is within
     * {@link #TIMESTAMP_TOLERANCE} of now, and one of the space-separated {@code v1,<base64>} entries of
     * {@code webhookSignature} matches one of {@code secrets} ({@code whsec_...}; pass the previous secret
     * too while a rotation's grace period lasts).
     */
    public static boolean verifyStandard(String webhookId, String webhookTimestamp, String webhookSignature, byte[] body,
                                         Clock clock, String... secrets) {
        if (webhookId == null || webhookTimestamp == null || webhookSignature == null || body == null) {
            return false;
        }
        long timestamp;
        try {
            timestamp = Long.parseLong(webhookTimestamp.trim());
        } catch (NumberFormatException e) {
            return false;
        }
        long now = clock.instant().getEpochSecond();
        if (Math.abs(now - timestamp) > TIMESTAMP_TOLERANCE.toSeconds()) {
            return false;
        }
        byte[] signed = concat((webhookId + "." + webhookTimestamp.trim() + ".").getBytes(StandardCharsets.UTF_8), body);
        boolean ok = false;
        for (String secret : secrets) {
            if (secret == null) {
                continue;
            }
            byte[] expected;
            try {
                expected = hmac(standardKey(secret), signed);
            } catch (IllegalArgumentException notBase64) {
                continue;
            }
            for (String entry : webhookSignature.trim().split(" +")) {
                if (!entry.startsWith("v1,")) {
                    continue;
                }
                byte[] given;
                try {
                    given = Base64.getDecoder().decode(entry.substring(3));
                } catch (IllegalArgumentException e) {
                    continue;
                }
                ok |= MessageDigest.isEqual(given, expected);
            }
        }
        return ok;
    }

    /** The {@code webhook-signature} entry for a delivery under {@code secret}: {@code v1,<base64>}. */
    public static String signStandard(String webhookId, long timestampSeconds, byte[] body, String secret) {
        byte[] signed = concat((webhookId + "." + timestampSeconds + ".").getBytes(StandardCharsets.UTF_8), body);
        return "v1," + Base64.getEncoder().encodeToString(hmac(standardKey(secret), signed));
    }

    private static byte[] standardKey(String secret) {
        String s = secret.startsWith(SECRET_PREFIX) ? secret.substring(SECRET_PREFIX.length()) : secret;
        return Base64.getDecoder().decode(s);
    }

    private static byte[] hmac(byte[] key, byte[] data) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            // SecretKeySpec refuses an empty key; HMAC pads keys with zeros, so one zero byte is the same key.
            mac.init(new SecretKeySpec(key.length == 0 ? new byte[1] : key, "HmacSHA256"));
            return mac.doFinal(data);
        } catch (NoSuchAlgorithmException | InvalidKeyException e) {
            throw new IllegalStateException("HmacSHA256 is part of every JDK", e);
        }
    }

    private static byte[] utf8(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    private static byte[] concat(byte[] a, byte[] b) {
        byte[] out = new byte[a.length + b.length];
        System.arraycopy(a, 0, out, 0, a.length);
        System.arraycopy(b, 0, out, a.length, b.length);
        return out;
    }
}
