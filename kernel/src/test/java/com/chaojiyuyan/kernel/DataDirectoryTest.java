package com.chaojiyuyan.kernel;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A data directory the server creates is private to its user; the key file in it is 0600. */
class DataDirectoryTest {

    @Test
    void aNewDataDirectoryIsReadableByItsOwnerOnly(@TempDir Path parent) {
        Path dataDir = parent.resolve("server");
        try (KernelServer server = KernelServer.start(ServerConfig.fromEnvironment(Map.of(
                "CHAOJIYUYAN_DATA_DIR", dataDir.toString(), "CHAOJIYUYAN_PORT", "0",
                "CHAOJIYUYAN_ADMIN_PASSWORD", "data-dir-test-password")))) {
            assertThat(server.port()).isPositive();
            assertThat(PosixFilePermissions.toString(permissions(dataDir))).isEqualTo("rwx------");
            assertThat(PosixFilePermissions.toString(permissions(dataDir.resolve("webhook.key")))).isEqualTo("rw-------");
            assertThat(dataDir.resolve("chaojiyuyan.db")).exists();
        }
    }

    private static java.util.Set<java.nio.file.attribute.PosixFilePermission> permissions(Path p) {
        try {
            return Files.getPosixFilePermissions(p);
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }
}
