package com.chaojiyuyan.cli.console;

import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.channels.FileChannel;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.FileAttribute;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;

/**
 * Files that hold secrets (API keys, session tokens): written whole or not at all (a temporary file in the
 * same directory, flushed to disk, then an atomic rename), mode 0600 from the moment they exist, never
 * readable by others even for an instant.
 */
public final class PrivateFile {
    private static final DateTimeFormatter BACKUP_STAMP = DateTimeFormatter.ofPattern("yyyyMMddHHmmss");
    private static final boolean POSIX = FileSystems.getDefault().supportedFileAttributeViews().contains("posix");

    private PrivateFile() {
    }

    /** Replaces {@code file} with {@code content} atomically, mode 0600; creates its directory (0700) if missing. */
    public static void write(Path file, byte[] content) {
        Path dir = file.toAbsolutePath().getParent();
        try {
            if (!Files.isDirectory(dir)) {
                Files.createDirectories(dir, attributes("rwx------"));
            }
            Path tmp = Files.createTempFile(dir, "." + file.getFileName() + ".", ".tmp", attributes("rw-------"));
            try {
                try (FileChannel ch = FileChannel.open(tmp, StandardOpenOption.WRITE, StandardOpenOption.TRUNCATE_EXISTING);
                     OutputStream os = java.nio.channels.Channels.newOutputStream(ch)) {
                    os.write(content);
                    os.flush();
                    ch.force(true); // on disk before the rename makes it the file
                }
                try {
                    Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
                } catch (AtomicMoveNotSupportedException e) {
                    Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING);
                }
            } finally {
                Files.deleteIfExists(tmp);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write " + file, e);
        }
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
                Files.createFile(candidate, attributes("rw-------"));
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

    private static FileAttribute<?>[] attributes(String perms) {
        return POSIX ? new FileAttribute<?>[] {PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString(perms))}
                : new FileAttribute<?>[0];
    }
}
