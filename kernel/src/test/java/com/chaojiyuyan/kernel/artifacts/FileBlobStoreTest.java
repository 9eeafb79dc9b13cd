package com.chaojiyuyan.kernel.artifacts;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The filesystem blob store: bytes named by their SHA-256 under sharded directories, written whole or
 * not at all, stored once however often (and however concurrently) they are put.
 */
class FileBlobStoreTest {
    @TempDir
    Path root;

    private static byte[] random(int size, long seed) {
        byte[] data = new byte[size];
        new Random(seed).nextBytes(data);
        return data;
    }

    private static String sha256(byte[] data) throws Exception {
        return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(data));
    }

    private static byte[] read(BlobStore store, String sha256) throws Exception {
        try (InputStream in = store.open(sha256).orElseThrow()) {
            return in.readAllBytes();
        }
    }

    private List<Path> files(Path dir) throws Exception {
        try (Stream<Path> walk = Files.walk(dir)) {
            return walk.filter(Files::isRegularFile).toList();
        }
    }

    @Test
    void aBlobIsNamedByItsSha256UnderTwoLevelsOfPrefix() throws Exception {
        FileBlobStore store = new FileBlobStore(root);
        byte[] data = random(5000, 1);

        String hash = store.put(data);

        assertThat(hash).isEqualTo(sha256(data));
        assertThat(root.resolve(hash.substring(0, 2)).resolve(hash.substring(2, 4)).resolve(hash)).hasBinaryContent(data);
        assertThat(store.exists(hash)).isTrue();
        assertThat(read(store, hash)).isEqualTo(data);
        assertThat(files(root.resolve("tmp"))).as("no temporary file is left behind").isEmpty();
    }

    @Test
    void emptyBytesAreABlobToo() throws Exception {
        FileBlobStore store = new FileBlobStore(root);
        String hash = store.put(new byte[0]);
        assertThat(hash).isEqualTo("e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
        assertThat(read(store, hash)).isEmpty();
    }

    @Test
    void puttingTheSameBytesAgainWritesNothingNew() throws Exception {
        FileBlobStore store = new FileBlobStore(root);
        byte[] data = random(10_000, 2);
        String hash = store.put(data);
        Path file = store.pathOf(hash);
        BasicFileAttributes before = Files.readAttributes(file, BasicFileAttributes.class);

        assertThat(store.put(data.clone())).isEqualTo(hash);

        BasicFileAttributes after = Files.readAttributes(file, BasicFileAttributes.class);
        assertThat(after.fileKey()).as("the same file, not a replacement").isEqualTo(before.fileKey());
        assertThat(after.lastModifiedTime()).isEqualTo(before.lastModifiedTime());
        assertThat(files(root)).containsExactly(file);
    }

    @Test
    void differentBytesAreDifferentBlobs() throws Exception {
        FileBlobStore store = new FileBlobStore(root);
        String a = store.put("a".getBytes());
        String b = store.put("b".getBytes());
        assertThat(a).isNotEqualTo(b);
        assertThat(read(store, a)).isEqualTo("a".getBytes());
        assertThat(read(store, b)).isEqualTo("b".getBytes());
    }

    @Test
    void concurrentPutsOfTheSameBytesLeaveOneCompleteBlob() throws Exception {
        FileBlobStore store = new FileBlobStore(root);
        byte[] data = random(2 << 20, 3);
        int writers = 16;
        CountDownLatch start = new CountDownLatch(1);
        List<Future<String>> puts = new ArrayList<>();
        try (ExecutorService pool = Executors.newFixedThreadPool(writers)) {
            for (int i = 0; i < writers; i++) {
                puts.add(pool.submit(() -> {
                    start.await();
                    return store.put(data);
                }));
            }
            start.countDown();
            for (Future<String> put : puts) {
                assertThat(put.get()).isEqualTo(sha256(data));
            }
        }
        assertThat(read(store, sha256(data))).isEqualTo(data);
        assertThat(files(root)).containsExactly(store.pathOf(sha256(data)));
    }

    @Test
    void aWriteInterruptedBeforeItsRenameIsNeverABlob() throws Exception {
        FileBlobStore store = new FileBlobStore(root);
        byte[] data = random(4096, 4);
        String hash = sha256(data);
        // What a crash mid-write leaves: part of the bytes, under a temporary name only.
        Files.write(root.resolve("tmp").resolve(hash.substring(0, 8) + "-crashed.part"), java.util.Arrays.copyOf(data, 1000));

        assertThat(store.exists(hash)).isFalse();
        assertThat(store.open(hash)).isEmpty();
        assertThat(store.put(data)).isEqualTo(hash);
        assertThat(read(store, hash)).as("the blob is whole after a later put").isEqualTo(data);
    }

    @Test
    void aNameThatIsNotAHashFindsNothingAndNeverLeavesTheRoot() throws Exception {
        FileBlobStore store = new FileBlobStore(root.resolve("blobs"));
        Files.writeString(root.resolve("secret"), "outside");
        for (String name : List.of("../secret", "../../etc/passwd", "", "ABCDEF", "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b85")) {
            assertThat(store.exists(name)).isFalse();
            assertThat(store.open(name)).isEmpty();
            assertThat(store.delete(name)).isFalse();
        }
        assertThat(root.resolve("secret")).exists();
    }

    @Test
    void deleteRemovesABlob() throws Exception {
        FileBlobStore store = new FileBlobStore(root);
        String hash = store.put("gone".getBytes());
        assertThat(store.delete(hash)).isTrue();
        assertThat(store.exists(hash)).isFalse();
        assertThat(store.delete(hash)).isFalse();
    }
}
