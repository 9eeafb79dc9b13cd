package com.chaojiyuyan.kernel.auth;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.util.HexFormat;
import java.util.zip.CRC32;

/**
 * Bearer secrets: agent keys ({@code nxt_ag_<base62 of 32 random bytes><6-char checksum>}) and owner
 * session tokens ({@code nxt_os_...}). Only their SHA-256 is stored; 256 random bits need no slow hash.
 */
public final class Secrets {
    public static final String AGENT_KEY_PREFIX = "nxt_ag_";
    public static final String SESSION_PREFIX = "nxt_os_";
    private static final String BASE62 = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";
    private static final int BODY_LENGTH = 43;      // 32 bytes in base62
    private static final int CHECKSUM_LENGTH = 6;
    private static final SecureRandom RANDOM = new SecureRandom();

    private Secrets() {
    }

    public static String newAgentKey() {
        return newToken(AGENT_KEY_PREFIX);
    }

    public static String newSessionToken() {
        return newToken(SESSION_PREFIX);
    }

    private static String newToken(String prefix) {
        byte[] bytes = new byte[32];
        RANDOM.nextBytes(bytes);
        String body = base62(bytes, BODY_LENGTH);
        return prefix + body + checksum(body);
    }

    /**
     * True when {@code token} has the shape of one of ours and its checksum holds, so a mistyped or
     * truncated key is refused without a database lookup.
     */
    public static boolean isWellFormed(String token, String prefix) {
        if (token == null || !token.startsWith(prefix)
                || token.length() != prefix.length() + BODY_LENGTH + CHECKSUM_LENGTH) {
            return false;
        }
        String rest = token.substring(prefix.length());
        for (int i = 0; i < rest.length(); i++) {
            if (BASE62.indexOf(rest.charAt(i)) < 0) {
                return false;
            }
        }
        String body = rest.substring(0, BODY_LENGTH);
        return MessageDigest.isEqual(
                checksum(body).getBytes(StandardCharsets.US_ASCII),
                rest.substring(BODY_LENGTH).getBytes(StandardCharsets.US_ASCII));
    }

    public static String sha256Hex(String value) {
        return sha256Hex(value.getBytes(StandardCharsets.UTF_8));
    }

    public static String sha256Hex(byte[] value) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(value));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    /** A listing-safe hint of a key: prefix, first four and last four characters. */
    public static String hint(String token) {
        int p = token.startsWith(AGENT_KEY_PREFIX) ? AGENT_KEY_PREFIX.length() : 0;
        return token.substring(0, p + 4) + "..." + token.substring(token.length() - 4);
    }

    public static String randomBase62(int bytes) {
        byte[] raw = new byte[bytes];
        RANDOM.nextBytes(raw);
        return base62(raw, (int) Math.ceil(bytes * 8 / 5.954));
    }

    private static String checksum(String body) {
        CRC32 crc = new CRC32();
        crc.update(body.getBytes(StandardCharsets.US_ASCII));
        return base62(java.math.BigInteger.valueOf(crc.getValue()).toByteArray(), CHECKSUM_LENGTH);
    }

    private static String base62(byte[] bytes, int length) {
        java.math.BigInteger n = new java.math.BigInteger(1, bytes);
        java.math.BigInteger base = java.math.BigInteger.valueOf(62);
        char[] out = new char[length];
        for (int i = length - 1; i >= 0; i--) {
            java.math.BigInteger[] qr = n.divideAndRemainder(base);
            out[i] = BASE62.charAt(qr[1].intValue());
            n = qr[0];
        }
        return new String(out);
    }
}
