package com.chaojiyuyan.cli.console;

import com.chaojiyuyan.sdk.internal.PrivateFiles;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;

/**
 * Files that hold secrets (API keys, session tokens): written whole through the SDK's {@link PrivateFiles}
 * (temporary file, fsync, atomic rename, 0600 from the start), and backed up before they are replaced.
 */
public final class PrivateFile {
    private static final DateTimeFormatter BACKUP_STAMP = DateTimeFormatter.ofPattern("yyyyMMddHHmmss");

    private PrivateFile() {
    }

    /** Replaces {@code file} with {@code content} atomically, mode 0600; creates its directory (0700) if missing. */
    public static void write(Path file, byte[] content) {
        PrivateFiles.write(file, content);
    }

    /**
     * Copies {@code content} (the file's current bytes) to {@code NAME.backup-YYYYMMDDHHMMSS} beside it, mode
     * 0600 since the original may hold keys; a second backup within the same second gets {@code -2}, {@code -3}, ...
     */
    public static Path backup(Path file, byte[] content) {
        String stamp = LocalDateTime.now().format(BACKUP_STAMP);
        Path dir = file.toAbsolutePath().getParent();
        String base = file.getFileName() + ".backup-" + stamp;
        for (int n = 1; ; n++) {
            Path candidate = dir.resolve(n == 1 ? base : base + "-" + n);
            try {
                Files.createFile(candidate, PrivateFiles.ownerOnly("rw-------"));
            } catch (FileAlreadyExistsException taken) {
                continue;
            } catch (IOException e) {
                throw new UncheckedIOException("cannot write a backup of " + file, e);
            }
            try {
                Files.write(candidate, content, StandardOpenOption.TRUNCATE_EXISTING);
                return candidate;
            } catch (IOException e) {
                throw new UncheckedIOException("cannot write a backup of " + file, e);
            }
        }
    }
}
