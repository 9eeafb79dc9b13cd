package com.chaojiyuyan.kernel.webhooks;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;
import java.util.stream.Collectors;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * Webhook secrets ({@code whsec_<base64 of 32 random bytes>}) and the two signatures every delivery
 * carries. The two schemes key the same HMAC-SHA256 differently, on purpose: {@code X-Kernel-Signature}
 * with the UTF-8 bytes of the whole secret string (what the seed's verifier does), {@code webhook-signature}
 * with the bytes base64-decoded after {@code whsec_} (what the Standard Webhooks libraries do).
 */
public final class WebhookSignatures {
    public static final String SECRET_PREFIX = "whsec_";
    private static final SecureRandom RANDOM = new SecureRandom();

    private WebhookSignatures() {
    }

    public static String newSecret() {
        byte[] bytes = new byte[32];
        RANDOM.nextBytes(bytes);
        return SECRET_PREFIX + Base64.getEncoder().encodeToString(bytes);
    }

    /** {@code X-Kernel-Signature}: {@code sha256=<hex HMAC-SHA256(UTF-8 bytes of secret, body)>}. */
    public static String kernelSignature(String secret, byte[] body) {
        return "sha256=" + HexFormat.of().formatHex(hmac(secret.getBytes(StandardCharsets.UTF_8), body));
    }

    /** One Standard Webhooks entry: {@code v1,<base64 HMAC-SHA256(key after whsec_, "id.timestamp.body")>}. */
    public static String standardSignature(String secret, String messageId, long timestampSeconds, byte[] body) {
        byte[] prefix = (messageId + "." + timestampSeconds + ".").getBytes(StandardCharsets.UTF_8);
        byte[] signed = new byte[prefix.length + body.length];
        System.arraycopy(prefix, 0, signed, 0, prefix.length);
        System.arraycopy(body, 0, signed, prefix.length, body.length);
        return "v1," + Base64.getEncoder().encodeToString(hmac(standardKey(secret), signed));
    }

    /** The {@code webhook-signature} header: one {@code v1,} entry per live secret, space separated. */
    public static String standardSignatures(List<String> liveSecrets, String messageId, long timestampSeconds, byte[] body) {
        return liveSecrets.stream().map(s -> standardSignature(s, messageId, timestampSeconds, body))
                .collect(Collectors.joining(" "));
    }

    private static byte[] standardKey(String secret) {
        String encoded = secret.startsWith(SECRET_PREFIX) ? secret.substring(SECRET_PREFIX.length()) : secret;
        return Base64.getDecoder().decode(encoded);
    }

    private static byte[] hmac(byte[] key, byte[] data) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(key, "HmacSHA256"));
            return mac.doFinal(data);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HmacSHA256 is unavailable", e);
        }
    }
}
