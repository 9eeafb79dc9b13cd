package com.chaojiyuyan.sdk.internal;

import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.FileAttribute;
import java.nio.file.attribute.PosixFilePermissions;

/**
 * Files that hold secrets (API keys, session tokens, MCP configs with keys in them): written whole or not at
 * all (a temporary file in the same directory, flushed to disk, then an atomic rename), mode 0600 from the
 * moment they exist, never readable by others even for an instant. Shared by the SDK's credentials file and
 * the command line's files. Not public API.
 */
public final class PrivateFiles {
    private static final boolean POSIX = FileSystems.getDefault().supportedFileAttributeViews().contains("posix");

    private PrivateFiles() {
    }

    /** Replaces {@code file} with {@code content} atomically, mode 0600; creates its directory (0700) if missing. */
    public static void write(Path file, byte[] content) {
        Path dir = file.toAbsolutePath().getParent();
        try {
            if (!Files.isDirectory(dir)) {
                Files.createDirectories(dir, ownerOnly("rwx------"));
            }
            Path tmp = Files.createTempFile(dir, "." + file.getFileName() + ".", ".tmp", ownerOnly("rw-------"));
            try {
                try (FileChannel ch = FileChannel.open(tmp, StandardOpenOption.WRITE, StandardOpenOption.TRUNCATE_EXISTING);
                     OutputStream os = Channels.newOutputStream(ch)) {
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

    /** The file attribute giving POSIX permissions {@code perms} (e.g. {@code rw-------}); none elsewhere. */
    public static FileAttribute<?>[] ownerOnly(String perms) {
        return POSIX ? new FileAttribute<?>[] {PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString(perms))}
                : new FileAttribute<?>[0];
    }
}
