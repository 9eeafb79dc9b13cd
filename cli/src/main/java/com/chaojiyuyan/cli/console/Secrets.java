package com.chaojiyuyan.cli.console;

import java.util.Locale;

/** How secrets look in output: never whole. */
public final class Secrets {
    private Secrets() {
    }

    /**
     * {@code nxt_ag_0PdQ...VHsd}: the prefix and a few characters to recognise the key by (as the server's
     * key hints), never enough to use it; short values are hidden entirely.
     */
    public static String mask(String secret) {
        if (secret == null) {
            return null;
        }
        if (secret.length() < 20) {
            return "****";
        }
        return secret.substring(0, 11) + "..." + secret.substring(secret.length() - 4);
    }

    /** Whether an environment variable of this name holds a secret (its value is masked in diffs). */
    public static boolean isSecretName(String name) {
        String n = name.toUpperCase(Locale.ROOT);
        return n.contains("KEY") || n.contains("TOKEN") || n.contains("SECRET") || n.contains("PASSWORD");
    }
}
