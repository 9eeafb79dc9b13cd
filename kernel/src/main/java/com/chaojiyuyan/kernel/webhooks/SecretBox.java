package com.chaojiyuyan.kernel.webhooks;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import java.util.Base64;
import javax.crypto.Cipher;
import javax.crypto.spec.GCMParameterSpec;
import javax.crypto.spec.SecretKeySpec;

/**
 * Seals webhook secrets at rest with AES-256-GCM. They cannot be stored as hashes like agent keys: the
 * kernel needs them in clear to sign. The key is {@code CHAOJIYUYAN_SECRET_KEY} (base64 of 32 bytes) when
 * set, else the file {@code webhook.key} in the data directory, created once with mode 0600. A copy of the
 * database alone (a dump, a backup) then reveals no secret. Several PostgreSQL nodes must share the key.
 *
 * <p>Sealed form: {@code v1.<key id>.<base64 of nonce + ciphertext + tag>}; the key id (the first bytes of
 * the key's SHA-256) lets a node with a different key say so plainly instead of failing a MAC check.
 */
public final class SecretBox {
    public static final String KEY_FILE = "webhook.key";
    private static final SecureRandom RANDOM = new SecureRandom();
    private static final int NONCE_BYTES = 12;

    private final SecretKeySpec key;
    private final String keyId;

    SecretBox(byte[] key) {
        if (key.length != 32) {
            throw new IllegalArgumentException("the secret key must be 32 bytes (base64 of 32 random bytes), got " + key.length);
        }
        this.key = new SecretKeySpec(key, "AES");
        this.keyId = com.chaojiyuyan.kernel.auth.Secrets.sha256Hex(key).substring(0, 8);
    }

    /** The configured key, or the data directory's key file (created on first start). */
    public static SecretBox load(String configuredKey, Path dataDir) {
        if (configuredKey != null) {
            try {
                return new SecretBox(Base64.getDecoder().decode(configuredKey.trim()));
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException("CHAOJIYUYAN_SECRET_KEY must be base64 of 32 random bytes: " + e.getMessage());
            }
        }
        Path file = dataDir.resolve(KEY_FILE);
        try {
            Files.createDirectories(dataDir);
            if (!Files.exists(file)) {
                byte[] fresh = new byte[32];
                RANDOM.nextBytes(fresh);
                try {
                    Files.createFile(file, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
                    Files.writeString(file, Base64.getEncoder().encodeToString(fresh) + "\n", StandardCharsets.US_ASCII);
                } catch (FileAlreadyExistsException raced) {
                    // another server of this data directory made it first: use theirs
                } catch (UnsupportedOperationException noPosix) {
                    Files.writeString(file, Base64.getEncoder().encodeToString(fresh) + "\n", StandardCharsets.US_ASCII);
                }
            }
            return new SecretBox(Base64.getDecoder().decode(Files.readString(file, StandardCharsets.US_ASCII).trim()));
        } catch (IOException e) {
            throw new IllegalStateException("cannot read or create the webhook key " + file + ": " + e.getMessage(), e);
        }
    }

    public String seal(String plain) {
        try {
            byte[] nonce = new byte[NONCE_BYTES];
            RANDOM.nextBytes(nonce);
            Cipher cipher = Cipher.getInstance("AES/GCM/NoPadding");
            cipher.init(Cipher.ENCRYPT_MODE, key, new GCMParameterSpec(128, nonce));
            byte[] sealed = cipher.doFinal(plain.getBytes(StandardCharsets.UTF_8));
            ByteBuffer out = ByteBuffer.allocate(nonce.length + sealed.length).put(nonce).put(sealed);
            return "v1." + keyId + "." + Base64.getEncoder().encodeToString(out.array());
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("AES-GCM is unavailable", e);
        }
    }

    public String open(String sealed) {
        String[] parts = sealed.split("\\.", 3);
        if (parts.length != 3 || !parts[0].equals("v1")) {
            throw new IllegalStateException("a stored webhook secret is not in a sealed form this server knows");
        }
        if (!parts[1].equals(keyId)) {
            throw new IllegalStateException("a stored webhook secret was sealed with another key (id " + parts[1]
                    + ", this server's is " + keyId + "): every node needs the same CHAOJIYUYAN_SECRET_KEY or webhook.key");
        }
        try {
            byte[] raw = Base64.getDecoder().decode(parts[2]);
            Cipher cipher = Cipher.getInstance("AES/GCM/NoPadding");
            cipher.init(Cipher.DECRYPT_MODE, key, new GCMParameterSpec(128, raw, 0, NONCE_BYTES));
            return new String(cipher.doFinal(raw, NONCE_BYTES, raw.length - NONCE_BYTES), StandardCharsets.UTF_8);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("a stored webhook secret does not open with this server's key", e);
        }
    }
}
