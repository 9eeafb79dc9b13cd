package com.chaojiyuyan.kernel.webhooks;

import com.chaojiyuyan.kernel.http.ApiException;
import com.chaojiyuyan.kernel.storage.Database;
import com.chaojiyuyan.kernel.storage.Ids;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import org.jdbi.v3.core.Handle;

/** Endpoints and secrets: create, list, delete, rotate; and the live secrets a delivery is signed with. */
public final class Webhooks {
    /** A secret, with when the one it replaced stops being valid (null: there is none). */
    public record SecretAnswer(String secret, Long previousSecretExpiresAt) {
    }

    /** A newly created endpoint with its secret, shown this once. */
    public record CreatedEndpoint(WebhookStore.Endpoint endpoint, String secret) {
    }

    private final Database db;
    private final WebhookStore store;
    private final SecretBox box;
    private final TargetGuard guard;
    private final Clock clock;

    Webhooks(Database db, WebhookStore store, SecretBox box, TargetGuard guard, Clock clock) {
        this.db = db;
        this.store = store;
        this.box = box;
        this.guard = guard;
        this.clock = clock;
    }

    CreatedEndpoint createEndpoint(String ownerId, String url, String description) {
        guard.checkRegistered(url, "url");
        long now = clock.millis();
        String secret = WebhookSignatures.newSecret();
        WebhookStore.Endpoint e = new WebhookStore.Endpoint(Ids.newId("whe", now), ownerId, url,
                description == null ? "" : description, WebhookStore.ACTIVE, null, box.seal(secret), null, null, now, now);
        db.transaction(h -> {
            store.insertEndpoint(h, e);
            return null;
        });
        return new CreatedEndpoint(e, secret);
    }

    List<WebhookStore.Endpoint> listEndpoints(String ownerId) {
        return db.read(h -> store.listEndpoints(h, ownerId));
    }

    void deleteEndpoint(String ownerId, String id) {
        long now = clock.millis();
        db.transaction(h -> {
            WebhookStore.Endpoint e = endpoint(h, ownerId, id);
            // Kept as a row, marked deleted: its deliveries still name it. Pending ones are not sent.
            store.setEndpointStatus(h, e.id(), e.status(), WebhookStore.DELETED, null, now);
            return null;
        });
    }

    SecretAnswer rotateEndpoint(String ownerId, String id, int graceSeconds) {
        long now = clock.millis();
        String secret = WebhookSignatures.newSecret();
        return db.transaction(h -> {
            WebhookStore.Endpoint e = endpoint(h, ownerId, id);
            WebhookStore.SealedSecrets next = rotated(e.secret(), secret, graceSeconds, now);
            store.rotateEndpoint(h, e.id(), next, now);
            return new SecretAnswer(secret, next.previousSecretExpiresAt());
        });
    }

    private WebhookStore.Endpoint endpoint(Handle h, String ownerId, String id) {
        if (!Ids.looksLike("whe", id)) {
            throw ApiException.notFound("webhook endpoint");
        }
        return store.findEndpoint(h, ownerId, id).orElseThrow(() -> ApiException.notFound("webhook endpoint"));
    }

    /** The owner's callback secret, created on first use. */
    SecretAnswer ownerSecret(String ownerId) {
        long now = clock.millis();
        WebhookStore.SealedSecrets sealed = db.read(h -> store.ownerSecret(h, ownerId, false))
                .orElseGet(() -> db.transaction(h -> {
                    store.insertOwnerSecretIfAbsent(h, ownerId, box.seal(WebhookSignatures.newSecret()), now);
                    return store.ownerSecret(h, ownerId, false).orElseThrow();
                }));
        return new SecretAnswer(box.open(sealed.secret()), liveUntil(sealed, now));
    }

    SecretAnswer rotateOwnerSecret(String ownerId, int graceSeconds) {
        ownerSecret(ownerId); // make sure there is one to rotate
        long now = clock.millis();
        String secret = WebhookSignatures.newSecret();
        return db.transaction(h -> {
            WebhookStore.SealedSecrets current = store.ownerSecret(h, ownerId, true).orElseThrow();
            WebhookStore.SealedSecrets next = rotated(current.secret(), secret, graceSeconds, now);
            store.rotateOwnerSecret(h, ownerId, next, now);
            return new SecretAnswer(secret, next.previousSecretExpiresAt());
        });
    }

    /**
     * The secret that was current stays valid for the grace period; one rotated out earlier is dropped
     * (only two are ever live). A grace of 0 ends the old secret at once.
     */
    private WebhookStore.SealedSecrets rotated(String currentSealed, String fresh, int graceSeconds, long now) {
        return graceSeconds == 0 ? new WebhookStore.SealedSecrets(box.seal(fresh), null, null)
                : new WebhookStore.SealedSecrets(box.seal(fresh), currentSealed, now + graceSeconds * 1000L);
    }

    private static Long liveUntil(WebhookStore.SealedSecrets s, long now) {
        return s.previousSecret() != null && s.previousSecretExpiresAt() != null && s.previousSecretExpiresAt() > now
                ? s.previousSecretExpiresAt() : null;
    }

    /** The secrets a delivery is signed with now: the current one, then the previous one while its grace lasts. */
    List<String> liveSecrets(WebhookStore.SealedSecrets s, long now) {
        List<String> out = new ArrayList<>(2);
        out.add(box.open(s.secret()));
        if (liveUntil(s, now) != null) {
            out.add(box.open(s.previousSecret()));
        }
        return out;
    }

    /** The sealed secrets of the owner's callback, created when the owner never asked for them. */
    WebhookStore.SealedSecrets ownerSecretsForSigning(String ownerId) {
        ownerSecret(ownerId);
        return db.read(h -> store.ownerSecret(h, ownerId, false)).orElseThrow();
    }
}
