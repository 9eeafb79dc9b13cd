package com.chaojiyuyan.faults;

import java.io.IOException;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;

/**
 * A PostgreSQL cluster of the test's own, in a temporary directory on a free port, that the test may
 * restart at will (the shared server on 5432 is never touched). PostgreSQL refuses to run as root, so
 * when the test runs as root the cluster runs as the {@code postgres} OS user through {@code runuser}.
 * Where that is impossible the calling test is skipped locally, and fails under {@code CI=true}.
 */
final class PrivatePostgres implements AutoCloseable {
    private static final List<Path> BIN_DIRS = List.of(Path.of("/usr/lib/postgresql/17/bin"),
            Path.of("/usr/lib/postgresql/16/bin"), Path.of("/usr/lib/postgresql/15/bin"), Path.of("/usr/lib/postgresql/14/bin"));

    private final Path bin;
    private final Path dir;
    private final int port;
    private final boolean asPostgresUser;

    private PrivatePostgres(Path bin, Path dir, int port, boolean asPostgresUser) {
        this.bin = bin;
        this.dir = dir;
        this.port = port;
        this.asPostgresUser = asPostgresUser;
    }

    /** Creates and starts a fresh cluster, or skips the test (fails it under CI=true) when this machine cannot. */
    static PrivatePostgres start() throws IOException, InterruptedException {
        Path bin = BIN_DIRS.stream().filter(d -> Files.isExecutable(d.resolve("initdb"))).findFirst().orElse(null);
        boolean root = "root".equals(System.getProperty("user.name"));
        if (bin == null) {
            unavailable("no PostgreSQL server binaries (initdb) under /usr/lib/postgresql");
        }
        if (root && !Files.isExecutable(Path.of("/usr/sbin/runuser")) && !Files.isExecutable(Path.of("/sbin/runuser"))) {
            unavailable("running as root without runuser: PostgreSQL refuses to run as root");
        }
        Path dir = Files.createTempDirectory("cjy-private-pg-");
        // The postgres user must reach and own the cluster's directory.
        Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwxrwxrwx"));
        Files.createDirectories(dir.resolve("data"));
        Files.createDirectories(dir.resolve("socket"));
        PrivatePostgres pg = new PrivatePostgres(bin, dir, freePort(), root);
        if (root) {
            pg.run(List.of("chown", "-R", "postgres:postgres", dir.toString()), false);
        }
        pg.run(List.of(bin.resolve("initdb").toString(), "-D", dir.resolve("data").toString(), "-U", "postgres",
                "-A", "trust", "-E", "UTF8", "--no-sync"), true);
        pg.ctl("start", "-w", "-t", "60", "-l", dir.resolve("server.log").toString(), "-o", pg.serverOptions());
        return pg;
    }

    private static void unavailable(String why) {
        String message = "cannot run a private PostgreSQL cluster: " + why;
        if ("true".equalsIgnoreCase(System.getenv("CI"))) {
            throw new IllegalStateException(message + " (CI=true requires it)");
        }
        Assumptions.abort(message + "; skipped (set CI=true to make this a failure)");
    }

    private String serverOptions() {
        // fsync off: the test restarts the server, it never needs the data to survive the machine.
        return "-p " + port + " -k " + dir.resolve("socket") + " -c listen_addresses=127.0.0.1 -c fsync=off"
                + " -c max_connections=100";
    }

    /** A JDBC URL of the cluster's {@code postgres} database. */
    String jdbcUrl() {
        return "jdbc:postgresql://127.0.0.1:" + port + "/postgres?user=postgres";
    }

    /**
     * Restarts the server the hard way ({@code immediate}: like a crash, no checkpoint, every connection
     * cut); it recovers from its write-ahead log when it starts again.
     */
    void restartImmediately() throws IOException, InterruptedException {
        ctl("restart", "-m", "immediate", "-w", "-t", "60", "-l", dir.resolve("server.log").toString(), "-o", serverOptions());
    }

    private void ctl(String... args) throws IOException, InterruptedException {
        List<String> command = new ArrayList<>(List.of(bin.resolve("pg_ctl").toString(), "-D", dir.resolve("data").toString()));
        command.addAll(List.of(args));
        run(command, true);
    }

    private void run(List<String> command, boolean asPostgres) throws IOException, InterruptedException {
        List<String> full = new ArrayList<>();
        if (asPostgres && asPostgresUser) {
            full.addAll(List.of("runuser", "-u", "postgres", "--"));
        }
        full.addAll(command);
        Process p = new ProcessBuilder(full).redirectErrorStream(true).start();
        // pg_ctl start leaves the server running with our pipe as its output unless -l is given (it is).
        String output = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!p.waitFor(120, TimeUnit.SECONDS) || p.exitValue() != 0) {
            throw new IllegalStateException(String.join(" ", full) + " failed: " + output + serverLog());
        }
    }

    private String serverLog() {
        try {
            Path log = dir.resolve("server.log");
            return Files.exists(log) ? "\nserver log:\n" + Files.readString(log) : "";
        } catch (IOException e) {
            return "";
        }
    }

    private static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        }
    }

    /** Stops the cluster and deletes its directory. */
    @Override
    public void close() throws IOException, InterruptedException {
        try {
            ctl("stop", "-m", "immediate", "-w", "-t", "60");
        } finally {
            run(List.of("rm", "-rf", dir.toString()), false);
        }
    }
}
