package com.chaojiyuyan.kernel.artifacts;

import com.chaojiyuyan.kernel.auth.Secrets;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * Blobs as files: {@code <root>/ab/cd/abcd...} (two levels of hash prefix, so no directory grows past
 * 65,536 entries). A blob is written to {@code <root>/tmp/} first, forced to disk, then renamed to its
 * final name in one atomic step: a crash leaves at most a stray temporary file, never a partial blob
 * under a hash name. Concurrent puts of the same bytes each write their own temporary file; whichever
 * rename lands last replaces an identical file, which readers cannot tell apart.
 *
 * <p>Several nodes on one PostgreSQL database must share {@code root} (a network filesystem with atomic
 * rename), or a node could list an artifact whose bytes only another node holds.
 */
public final class FileBlobStore implements BlobStore {
    private static final Pattern SHA256 = Pattern.compile("[0-9a-f]{64}");

    private final Path root;
    private final Path tmp;

    public FileBlobStore(Path root) {
        this.root = root.toAbsolutePath();
        this.tmp = this.root.resolve("tmp");
        try {
            Files.createDirectories(tmp);
        } catch (IOException e) {
            throw new IllegalStateException("cannot use the blob directory " + this.root + ": " + e.getMessage(), e);
        }
    }

    @Override
    public String put(byte[] bytes) throws IOException {
        String sha256 = Secrets.sha256Hex(bytes);
        Path target = pathOf(sha256);
        if (Files.exists(target)) {
            return sha256;
        }
        Files.createDirectories(target.getParent());
        Path temp = Files.createTempFile(tmp, sha256.substring(0, 8) + "-", ".part");
        try {
            try (FileChannel out = FileChannel.open(temp, StandardOpenOption.WRITE, StandardOpenOption.TRUNCATE_EXISTING)) {
                ByteBuffer buffer = ByteBuffer.wrap(bytes);
                while (buffer.hasRemaining()) {
                    out.write(buffer);
                }
                // On disk before it has its name: a blob an artifact row points to must survive power loss.
                out.force(true);
            }
            try {
                Files.move(temp, target, StandardCopyOption.ATOMIC_MOVE);
            } catch (IOException e) {
                // Where a rename will not replace an existing (or open) file, a concurrent put of the same bytes won.
                if (!Files.exists(target)) {
                    throw e;
                }
            }
            syncDirectory(target.getParent());
            return sha256;
        } finally {
            Files.deleteIfExists(temp);
        }
    }

    /** Makes the rename itself durable; where a directory cannot be opened for this (Windows), its metadata is journaled anyway. */
    private static void syncDirectory(Path dir) {
        try (FileChannel channel = FileChannel.open(dir, StandardOpenOption.READ)) {
            channel.force(true);
        } catch (IOException | UnsupportedOperationException e) {
            // best effort: the blob is complete either way, only the rename's durability is at stake
        }
    }

    @Override
    public Optional<InputStream> open(String sha256) throws IOException {
        if (!SHA256.matcher(sha256).matches()) {
            return Optional.empty();
        }
        try {
            return Optional.of(Files.newInputStream(pathOf(sha256)));
        } catch (NoSuchFileException e) {
            return Optional.empty();
        }
    }

    @Override
    public boolean exists(String sha256) {
        return SHA256.matcher(sha256).matches() && Files.exists(pathOf(sha256));
    }

    @Override
    public boolean delete(String sha256) throws IOException {
        return SHA256.matcher(sha256).matches() && Files.deleteIfExists(pathOf(sha256));
    }

    /** Where a blob lives; the hash is checked first, so it can never name a path outside the root. */
    Path pathOf(String sha256) {
        if (!SHA256.matcher(sha256).matches()) {
            throw new IllegalArgumentException("not a SHA-256 in hex: " + sha256);
        }
        return root.resolve(sha256.substring(0, 2)).resolve(sha256.substring(2, 4)).resolve(sha256);
    }

    public Path root() {
        return root;
    }
}
