package com.chaojiyuyan.cli.console;

import java.nio.file.Path;
import java.util.Map;

/** The process environment and home directory the commands read, in one place. */
public final class Environment {
    private Environment() {
    }

    public static String get(String name) {
        String v = System.getenv(name);
        return v == null || v.isBlank() ? null : v.trim();
    }

    public static Map<String, String> all() {
        return System.getenv();
    }

    /**
     * The user's home: {@code $HOME} when set (what a shell user expects, and what {@code HOME=... chaojiyuyan}
     * means), else the JVM's {@code user.home}.
     */
    public static Path home() {
        String home = get("HOME");
        if (home != null && Path.of(home).isAbsolute()) {
            return Path.of(home);
        }
        return Path.of(System.getProperty("user.home"));
    }
}
