package com.chaojiyuyan.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.List;

/** What a figure was measured on: the machine, the software versions and how busy the machine was. */
final class Machine {
    private Machine() {
    }

    static String cpu() {
        return firstMatch(Path.of("/proc/cpuinfo"), "model name").orElse("unknown CPU");
    }

    static int cores() {
        return Runtime.getRuntime().availableProcessors();
    }

    static String memory() {
        return firstMatch(Path.of("/proc/meminfo"), "MemTotal")
                .map(v -> String.format("%.1f GiB", Long.parseLong(v.replaceAll("[^0-9]", "")) / 1024.0 / 1024.0))
                .orElse("unknown memory");
    }

    /** The 1, 5 and 15 minute load averages: above the core count, the machine was busy with more than this. */
    static String loadAverage() {
        try {
            String[] parts = Files.readString(Path.of("/proc/loadavg")).trim().split("\\s+");
            return parts[0] + " " + parts[1] + " " + parts[2];
        } catch (IOException e) {
            return "unknown";
        }
    }

    static String java() {
        return System.getProperty("java.vm.vendor") + " " + System.getProperty("java.runtime.version");
    }

    static String postgres(String adminUrl) {
        try (Connection c = DriverManager.getConnection(adminUrl); Statement s = c.createStatement();
             ResultSet r = s.executeQuery("SELECT current_setting('server_version'), current_setting('synchronous_commit'),"
                     + " current_setting('shared_buffers'), current_setting('max_connections')")) {
            r.next();
            return "PostgreSQL " + r.getString(1) + " (synchronous_commit=" + r.getString(2) + ", shared_buffers="
                    + r.getString(3) + ", max_connections=" + r.getString(4) + ")";
        } catch (Exception e) {
            return "PostgreSQL unreachable: " + e.getMessage();
        }
    }

    static String sqlite() {
        try (Connection c = DriverManager.getConnection("jdbc:sqlite::memory:"); Statement s = c.createStatement();
             ResultSet r = s.executeQuery("SELECT sqlite_version()")) {
            r.next();
            return "SQLite " + r.getString(1);
        } catch (Exception e) {
            return "SQLite unknown";
        }
    }

    /** The output of a short command, or what went wrong. */
    static String command(List<String> command) {
        try {
            Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
            String out = new String(p.getInputStream().readAllBytes()).trim();
            p.waitFor();
            return out.lines().findFirst().orElse("");
        } catch (IOException e) {
            return "not found (" + command.getFirst() + ")";
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return "interrupted";
        }
    }

    private static java.util.Optional<String> firstMatch(Path file, String key) {
        try {
            return Files.readAllLines(file).stream().filter(l -> l.startsWith(key)).findFirst()
                    .map(l -> l.substring(l.indexOf(':') + 1).trim());
        } catch (IOException e) {
            return java.util.Optional.empty();
        }
    }
}
