package com.chaojiyuyan.kernel.http;

import com.chaojiyuyan.kernel.auth.Authenticator;
import com.chaojiyuyan.kernel.auth.Principal;
import io.javalin.config.RoutesConfig;
import io.javalin.http.Context;
import io.javalin.http.Handler;

/**
 * Registers the kernel's routes under {@code /api/v1}, each with the identity it requires. Access
 * checks happen here, before the handler, so a handler never sees a caller it was not meant for.
 */
public final class Api {
    public static final String PREFIX = "/api/v1";

    /** Who may call a route. */
    public enum Access {
        /** No credential needed. */
        PUBLIC,
        /** Any valid owner token or agent key. */
        ANY,
        /** An owner session token. */
        OWNER,
        /** An owner session token of an admin. */
        ADMIN,
        /** An agent key. */
        AGENT
    }

    /** A handler that receives the authenticated caller ({@code null} only for PUBLIC routes). */
    @FunctionalInterface
    public interface Endpoint {
        void handle(Context ctx, Principal caller) throws Exception;
    }

    private final RoutesConfig routes;
    private final Authenticator authenticator;
    private final RateLimiter rateLimiter;

    public Api(RoutesConfig routes, Authenticator authenticator, RateLimiter rateLimiter) {
        this.routes = routes;
        this.authenticator = authenticator;
        this.rateLimiter = rateLimiter;
    }

    public void get(String path, Access access, Endpoint endpoint) {
        routes.get(PREFIX + path, wrap(access, endpoint));
    }

    public void post(String path, Access access, Endpoint endpoint) {
        routes.post(PREFIX + path, wrap(access, endpoint));
    }

    public void put(String path, Access access, Endpoint endpoint) {
        routes.put(PREFIX + path, wrap(access, endpoint));
    }

    public void delete(String path, Access access, Endpoint endpoint) {
        routes.delete(PREFIX + path, wrap(access, endpoint));
    }

    private Handler wrap(Access access, Endpoint endpoint) {
        return ctx -> {
            Principal caller = access == Access.PUBLIC ? null : authenticator.authenticate(ctx);
            if (caller != null) {
                rateLimiter.acquire(switch (caller) {
                    case Principal.Agent a -> a.keyId();
                    case Principal.Owner o -> o.sessionId();
                });
                check(access, caller);
            }
            endpoint.handle(ctx, caller);
        };
    }

    private static void check(Access access, Principal caller) {
        switch (access) {
            case OWNER -> {
                if (!(caller instanceof Principal.Owner)) {
                    throw ApiException.forbidden("owner_token_required", "this endpoint needs an owner session token, not an agent key");
                }
            }
            case ADMIN -> {
                if (!(caller instanceof Principal.Owner owner) || !owner.admin()) {
                    throw ApiException.forbidden("admin_required", "this endpoint needs an admin's session token");
                }
            }
            case AGENT -> {
                if (!(caller instanceof Principal.Agent)) {
                    throw ApiException.forbidden("agent_key_required", "this endpoint needs an agent key (nxt_ag_...)");
                }
            }
            case ANY, PUBLIC -> {
            }
        }
    }
}
