package com.chaojiyuyan.kernel.deviceflow;

import com.chaojiyuyan.kernel.auth.AccountRoutes;
import com.chaojiyuyan.kernel.auth.AccountStore;
import com.chaojiyuyan.kernel.auth.LoginThrottle;
import com.chaojiyuyan.kernel.auth.Passwords;
import com.chaojiyuyan.kernel.auth.Principal;
import com.chaojiyuyan.kernel.auth.Secrets;
import com.chaojiyuyan.kernel.http.ApiException;
import io.javalin.config.RoutesConfig;
import io.javalin.http.Context;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.Clock;
import java.util.Optional;

/**
 * {@code /activate}: where an owner, in a browser, signs in and approves or denies a program's user
 * code. The browser session is an owner session held in an HttpOnly, SameSite=Lax cookie (stored
 * hashed, like every session token). Decisions are POSTs carrying a CSRF token derived from the
 * session's secret, so another site can neither forge them nor read the token; a GET only shows.
 */
public final class ActivatePage {
    static final String PATH = "/activate";
    static final String COOKIE = "cjy_session";

    private final DeviceFlow flow;
    private final AccountStore accounts;
    private final LoginThrottle loginThrottle;
    private final Clock clock;
    private final boolean secureCookies;
    private final long maxBodyBytes;

    /** @param secureCookies true when the public URL is https: the cookie then never travels over plain http */
    public ActivatePage(DeviceFlow flow, AccountStore accounts, LoginThrottle loginThrottle, Clock clock, boolean secureCookies,
                        long maxBodyBytes) {
        this.flow = flow;
        this.accounts = accounts;
        this.loginThrottle = loginThrottle;
        this.clock = clock;
        this.secureCookies = secureCookies;
        this.maxBodyBytes = maxBodyBytes;
    }

    public void register(RoutesConfig routes) {
        routes.get(PATH, this::show);
        routes.post(PATH, this::submit);
    }

    /** The owner signed in through the cookie, with the cookie's token (the CSRF token derives from it). */
    record Session(Principal.Owner owner, String token) {
        String csrf() {
            return csrfFor(token);
        }
    }

    private void show(Context ctx) {
        String code = ctx.queryParam("code");
        Optional<Session> session = session(ctx);
        if (session.isEmpty()) {
            page(ctx, 200, ActivateHtml.signIn(code, null));
            return;
        }
        if (code == null || code.isBlank()) {
            page(ctx, 200, ActivateHtml.enterCode(session.get(), null, null));
            return;
        }
        try {
            switch (flow.lookup(code, session.get().owner().ownerId(), ctx.ip())) {
                case DeviceFlow.Lookup.Found f -> page(ctx, 200, ActivateHtml.confirm(session.get(), f.authorization()));
                case DeviceFlow.Lookup.Unknown u -> page(ctx, 404, ActivateHtml.enterCode(session.get(), code, ActivateHtml.UNKNOWN));
                case DeviceFlow.Lookup.Expired e -> page(ctx, 410, ActivateHtml.message(session.get(), "This code has expired",
                        ActivateHtml.EXPIRED));
                case DeviceFlow.Lookup.Decided d -> page(ctx, 410, ActivateHtml.message(session.get(), "This code was already used",
                        ActivateHtml.USED));
            }
        } catch (ApiException e) {
            rateLimited(ctx, e, session.get());
        }
    }

    private void submit(Context ctx) {
        FormParams form;
        try {
            form = FormParams.read(ctx, maxBodyBytes, false);
        } catch (FormParams.Malformed e) {
            page(ctx, 400, ActivateHtml.message(null, "Something went wrong", "The form could not be read. Reload the page and try again."));
            return;
        } catch (ApiException e) {
            page(ctx, e.status(), ActivateHtml.message(null, "Something went wrong", "The form is too large."));
            return;
        }
        String action = form.get("action");
        if ("sign_in".equals(action)) {
            signIn(ctx, form);
            return;
        }
        if (!"approve".equals(action) && !"deny".equals(action) && !"sign_out".equals(action)) {
            page(ctx, 400, ActivateHtml.message(null, "Something went wrong", "The form could not be read. Reload the page and try again."));
            return;
        }
        Optional<Session> session = session(ctx);
        if (session.isEmpty()) {
            page(ctx, 401, ActivateHtml.signIn(form.get("code"), "Your sign-in has ended. Sign in again to continue."));
            return;
        }
        String csrf = form.get("csrf");
        if (csrf == null || !MessageDigest.isEqual(csrf.getBytes(StandardCharsets.US_ASCII),
                session.get().csrf().getBytes(StandardCharsets.US_ASCII))) {
            page(ctx, 403, ActivateHtml.message(session.get(), "This form has expired",
                    "Nothing was changed. Open the link from the program again and retry."));
            return;
        }
        if ("sign_out".equals(action)) {
            accounts.revokeSession(session.get().owner().sessionId(), clock.millis());
            ctx.header("Set-Cookie", cookie("", 0));
            ctx.header("Location", PATH).status(303);
            return;
        }
        boolean approve = "approve".equals(action);
        String code = form.get("code");
        try {
            switch (flow.decide(code, session.get().owner().ownerId(), ctx.ip(), approve)) {
                case DeviceFlow.Lookup.Found f -> page(ctx, 200, approve
                        ? ActivateHtml.message(session.get(), "Approved",
                        "“" + f.authorization().clientName() + "” is connected to your account. You can close this page and return to it.")
                        : ActivateHtml.message(session.get(), "Denied",
                        "“" + f.authorization().clientName() + "” was not given access. You can close this page."));
                case DeviceFlow.Lookup.Unknown u -> page(ctx, 404, ActivateHtml.enterCode(session.get(), code, ActivateHtml.UNKNOWN));
                case DeviceFlow.Lookup.Expired e -> page(ctx, 410, ActivateHtml.message(session.get(), "This code has expired",
                        ActivateHtml.EXPIRED));
                case DeviceFlow.Lookup.Decided d -> page(ctx, 410, ActivateHtml.message(session.get(), "This code was already used",
                        ActivateHtml.USED));
            }
        } catch (ApiException e) {
            rateLimited(ctx, e, session.get());
        }
    }

    private void signIn(Context ctx, FormParams form) {
        String code = form.get("code");
        String email = form.get("email");
        String password = form.get("password");
        if (email == null || password == null) {
            page(ctx, 400, ActivateHtml.signIn(code, "Enter your email and your password."));
            return;
        }
        String normalized = AccountStore.normalizeEmail(email);
        String byAccount = "login:email:" + normalized;
        String byAddress = "login:ip:" + ctx.ip();
        try {
            loginThrottle.check(byAccount, byAddress);
        } catch (ApiException e) {
            rateLimited(ctx, e, null);
            return;
        }
        var owner = accounts.findOwnerByEmail(normalized);
        // Verify against a dummy hash for unknown emails, so response time does not reveal which exist.
        boolean ok = Passwords.verify(password, owner.map(AccountStore.OwnerRecord::passwordHash).orElse(Passwords.DUMMY_HASH))
                && owner.isPresent();
        if (!ok) {
            loginThrottle.recordFailure(byAccount, byAddress);
            page(ctx, 401, ActivateHtml.signIn(code, "That email and password do not match an account."));
            return;
        }
        loginThrottle.recordSuccess(byAccount);
        long now = clock.millis();
        String token = Secrets.newSessionToken();
        long lifetime = AccountRoutes.SESSION_LIFETIME.toMillis();
        accounts.createSession(owner.get().id(), Secrets.sha256Hex(token), now, now + lifetime);
        ctx.header("Set-Cookie", cookie(token, lifetime / 1000));
        // Post/redirect/get: a reload of the next page does not resend the password.
        ctx.header("Location", code == null ? PATH : PATH + "?code=" + URLEncoder.encode(code, StandardCharsets.UTF_8)).status(303);
    }

    private Optional<Session> session(Context ctx) {
        String token = ctx.cookie(COOKIE);
        if (token == null || !Secrets.isWellFormed(token, Secrets.SESSION_PREFIX)) {
            return Optional.empty();
        }
        return accounts.ownerForSession(Secrets.sha256Hex(token), clock.millis()).map(owner -> new Session(owner, token));
    }

    private String cookie(String value, long maxAgeSeconds) {
        return COOKIE + "=" + value + "; Path=" + PATH + "; Max-Age=" + maxAgeSeconds + "; HttpOnly; SameSite=Lax"
                + (secureCookies ? "; Secure" : "");
    }

    /** Bound to the session: only someone holding the cookie's secret can compute it. */
    private static String csrfFor(String sessionToken) {
        return Secrets.sha256Hex("activate-csrf:" + sessionToken);
    }

    private static void rateLimited(Context ctx, ApiException e, Session session) {
        if (e.status() != 429) {
            throw e;
        }
        e.headers().forEach(ctx::header);
        Object seconds = e.extra().get("retry_after_seconds");
        long minutes = seconds instanceof Long s ? Math.max(1, (s + 59) / 60) : 15;
        page(ctx, 429, ActivateHtml.message(session, "Too many attempts",
                "Too many wrong attempts lately. Wait " + minutes + (minutes == 1 ? " minute" : " minutes") + " and try again."));
    }

    private static void page(Context ctx, int status, String html) {
        ctx.header("Cache-Control", "no-store");
        // The code travels in the URL: do not hand it to other sites.
        ctx.header("Referrer-Policy", "no-referrer");
        // No framing: an approve button inside another site's page could be clicked by trickery.
        ctx.header("X-Frame-Options", "DENY");
        ctx.header("Content-Security-Policy",
                "default-src 'none'; style-src 'unsafe-inline'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'");
        ctx.header("X-Content-Type-Options", "nosniff");
        ctx.status(status).contentType("text/html; charset=utf-8").result(html);
    }
}
