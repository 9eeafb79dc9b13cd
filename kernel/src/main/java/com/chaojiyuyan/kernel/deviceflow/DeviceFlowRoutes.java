package com.chaojiyuyan.kernel.deviceflow;

import com.chaojiyuyan.kernel.auth.Principal;
import com.chaojiyuyan.kernel.http.Api;
import com.chaojiyuyan.kernel.http.Api.Access;
import com.chaojiyuyan.kernel.http.ApiException;
import com.chaojiyuyan.kernel.http.Json;
import com.chaojiyuyan.kernel.http.JsonBody;
import io.javalin.config.RoutesConfig;
import io.javalin.http.Context;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.Set;
import java.util.function.Supplier;
import java.util.regex.Pattern;
import tools.jackson.databind.node.ObjectNode;

/**
 * The OAuth side of the device flow: code pairs, the token endpoint, the server's metadata (RFC 8414),
 * and the approve/deny decision for scripts. The OAuth endpoints answer RFC 6749 errors, not problem+json.
 */
public final class DeviceFlowRoutes {
    static final String GRANT_TYPE = "urn:ietf:params:oauth:grant-type:device_code";
    static final String METADATA_PATH = "/.well-known/oauth-authorization-server";
    private static final Pattern HOST = Pattern.compile("[A-Za-z0-9.\\-]+(:\\d{1,5})?|\\[[0-9A-Fa-f:.]+](:\\d{1,5})?");

    private final DeviceFlow flow;
    private final Supplier<String> publicUrl;
    private final boolean publicUrlConfigured;
    private final long maxBodyBytes;

    /**
     * @param publicUrl           the URL people reach this server at (for verification_uri)
     * @param publicUrlConfigured true when CHAOJIYUYAN_PUBLIC_URL was set: then it is also the issuer;
     *                            otherwise the issuer is the URL the client used (its Host header)
     */
    public DeviceFlowRoutes(DeviceFlow flow, Supplier<String> publicUrl, boolean publicUrlConfigured, long maxBodyBytes) {
        this.flow = flow;
        this.publicUrl = publicUrl;
        this.publicUrlConfigured = publicUrlConfigured;
        this.maxBodyBytes = maxBodyBytes;
    }

    public void register(Api api, RoutesConfig root) {
        api.post("/oauth/device/authorize", Access.PUBLIC, (ctx, caller) -> oauth(ctx, () -> authorize(ctx)));
        api.post("/oauth/device/token", Access.PUBLIC, (ctx, caller) -> oauth(ctx, () -> token(ctx)));
        api.post("/oauth/device/approve", Access.OWNER, (ctx, caller) -> decide(ctx, caller, true));
        api.post("/oauth/device/deny", Access.OWNER, (ctx, caller) -> decide(ctx, caller, false));
        root.get(METADATA_PATH, this::metadata);
    }

    private void oauth(Context ctx, Runnable endpoint) {
        try {
            endpoint.run();
        } catch (FormParams.Malformed e) {
            OAuthError.invalidRequest(e.getMessage()).render(ctx);
        } catch (OAuthError e) {
            e.render(ctx);
        }
    }

    private void authorize(Context ctx) {
        FormParams params = FormParams.read(ctx, maxBodyBytes, true);
        DeviceFlow.Grant grant = flow.authorize(params.get("client_name"), params.get("client_id"), params.get("scope"));
        String verification = publicUrl.get() + ActivatePage.PATH;
        ObjectNode out = Json.object();
        out.put("device_code", grant.deviceCode());
        out.put("user_code", grant.userCode());
        out.put("verification_uri", verification);
        out.put("verification_uri_complete", verification + "?code=" + URLEncoder.encode(grant.userCode(), StandardCharsets.UTF_8));
        out.put("expires_in", grant.expiresInSeconds());
        out.put("interval", grant.intervalSeconds());
        OAuthError.noStore(ctx);
        ctx.json(out);
    }

    private void token(Context ctx) {
        FormParams params = FormParams.read(ctx, maxBodyBytes, true);
        String grantType = params.get("grant_type");
        if (grantType == null) {
            throw OAuthError.invalidRequest("'grant_type' is required (" + GRANT_TYPE + ")");
        }
        if (!grantType.equals(GRANT_TYPE)) {
            throw new OAuthError(400, "unsupported_grant_type", "this server only grants " + GRANT_TYPE);
        }
        String deviceCode = params.get("device_code");
        if (deviceCode == null) {
            throw OAuthError.invalidRequest("'device_code' is required");
        }
        DeviceFlow.Token token = flow.poll(deviceCode);
        ObjectNode out = Json.object();
        out.put("access_token", token.accessToken());
        out.put("token_type", "bearer");
        out.put("agent_id", token.agentId());
        OAuthError.noStore(ctx);
        ctx.json(out);
    }

    private void decide(Context ctx, Principal caller, boolean approve) {
        JsonBody body = JsonBody.read(ctx, maxBodyBytes).allowOnly(Set.of("user_code"));
        String typed = body.requiredString("user_code");
        DeviceFlow.Lookup result = flow.decide(typed, caller.ownerId(), ctx.ip(), approve);
        DeviceAuthorization a = switch (result) {
            case DeviceFlow.Lookup.Found f -> f.authorization();
            case DeviceFlow.Lookup.Unknown u -> throw ApiException.notFound("user code");
            case DeviceFlow.Lookup.Expired e -> throw ApiException.gone("code_expired",
                    "this code expired; the program must ask for a new one");
            case DeviceFlow.Lookup.Decided d -> throw ApiException.conflict("code_already_decided",
                    "this code was already " + (d.authorization().status() == DeviceAuthorization.Status.DENIED ? "denied" : "approved"));
        };
        ObjectNode out = Json.object();
        out.put("user_code", UserCodes.display(a.userCode()));
        out.put("client_name", a.clientName());
        out.put("status", approve ? "approved" : "denied");
        ctx.json(out);
    }

    /** RFC 8414 metadata; its issuer must be the very URL the client discovered it from (RFC 8414 3.3). */
    private void metadata(Context ctx) {
        String issuer = issuer(ctx);
        ObjectNode out = Json.object();
        out.put("issuer", issuer);
        out.put("device_authorization_endpoint", issuer + Api.PREFIX + "/oauth/device/authorize");
        out.put("token_endpoint", issuer + Api.PREFIX + "/oauth/device/token");
        out.putArray("grant_types_supported").add(GRANT_TYPE);
        out.putArray("response_types_supported");
        out.putArray("token_endpoint_auth_methods_supported").add("none");
        ctx.status(200).json(out);
    }

    private String issuer(Context ctx) {
        String host = ctx.header("Host");
        if (publicUrlConfigured || host == null || !HOST.matcher(host).matches()) {
            return publicUrl.get();
        }
        return ctx.scheme() + "://" + host;
    }
}
