package com.chaojiyuyan.kernel.artifacts;

import java.io.IOException;
import java.io.InputStream;
import java.util.Optional;

/**
 * Immutable bytes addressed by their SHA-256 (64 lower-case hex digits). Putting the same bytes twice
 * stores them once, so a retried submit writes nothing new. Small on purpose, so that an S3-compatible
 * store (key = hash, a conditional PUT) can implement it as well as a directory.
 */
public interface BlobStore {

    /** Stores {@code bytes} if not already stored and answers their SHA-256; complete or not at all. */
    String put(byte[] bytes) throws IOException;

    /** The stored bytes, or empty when no blob has this hash. The caller closes the stream. */
    Optional<InputStream> open(String sha256) throws IOException;

    boolean exists(String sha256) throws IOException;

    /** Removes a blob (for a future collection of unreferenced blobs); false when there was none. */
    boolean delete(String sha256) throws IOException;
}
