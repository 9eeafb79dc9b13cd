package com.chaojiyuyan.kernel.deviceflow;

import java.security.SecureRandom;
import java.util.Locale;

/**
 * User codes: what a person reads on one screen and types on another. Eight letters from an alphabet
 * without vowels (no words spelled by accident) and without letters that look like digits, shown as
 * {@code WDJB-MJHT}; 20^8 ≈ 2.6e10 codes, against a lifetime of minutes and rate-limited entry.
 */
final class UserCodes {
    static final String ALPHABET = "BCDFGHJKLMNPQRSTVWXZ";
    static final int LENGTH = 8;
    private static final SecureRandom RANDOM = new SecureRandom();

    private UserCodes() {
    }

    /** A new code in its stored form: eight letters, no dash. */
    static String generate() {
        char[] out = new char[LENGTH];
        for (int i = 0; i < LENGTH; i++) {
            out[i] = ALPHABET.charAt(RANDOM.nextInt(ALPHABET.length()));
        }
        return new String(out);
    }

    /** The stored form shown to people: {@code WDJBMJHT} → {@code WDJB-MJHT}. */
    static String display(String stored) {
        return stored.substring(0, LENGTH / 2) + "-" + stored.substring(LENGTH / 2);
    }

    /**
     * What a person typed, in the stored form: upper-cased, without dashes and spaces; null when it
     * cannot be a code at all (so no lookup is made for it).
     */
    static String normalize(String typed) {
        if (typed == null) {
            return null;
        }
        StringBuilder out = new StringBuilder(LENGTH);
        for (char c : typed.toUpperCase(Locale.ROOT).toCharArray()) {
            if (c == '-' || c == ' ' || c == '\t') {
                continue;
            }
            if (ALPHABET.indexOf(c) < 0 || out.length() == LENGTH) {
                return null;
            }
            out.append(c);
        }
        return out.length() == LENGTH ? out.toString() : null;
    }
}
