package com.chaojiyuyan.kernel.webhooks;

import com.chaojiyuyan.kernel.http.ApiException;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.URI;
import java.net.URISyntaxException;
import java.net.UnknownHostException;
import java.util.Locale;

/**
 * Keeps webhooks from reaching into the server's own network (SSRF): targets in loopback, private,
 * link-local, unique-local, unspecified, carrier-grade NAT, broadcast or multicast ranges are refused
 * unless {@code CHAOJIYUYAN_WEBHOOK_ALLOW_PRIVATE} is set. A URL is checked when it is registered (only
 * its literal host: no DNS lookup on a request path) and again at every delivery, on the addresses its
 * host resolves to then, since a name may point anywhere by the time a job settles.
 */
public final class TargetGuard {
    private static final int MAX_URL = 2048;

    private final boolean allowPrivate;

    public TargetGuard(boolean allowPrivate) {
        this.allowPrivate = allowPrivate;
    }

    /** Checks a URL given by a client: absolute http(s), and not a literal address in a refused range. */
    public String checkRegistered(String url, String member) {
        URI uri = parse(url);
        if (uri == null) {
            throw ApiException.badRequest("invalid_webhook_url", "'" + member + "' must be an absolute http or https URL");
        }
        refuseLiteral(uri.getHost(), member);
        return url;
    }

    /** Checks a job's callback URL (already checked for shape by the job routes) for a refused literal host. */
    public String checkCallback(String url) {
        try {
            refuseLiteral(new URI(url).getHost(), "callback_url");
        } catch (URISyntaxException e) {
            throw ApiException.badRequest("invalid_callback_url", "'callback_url' must be an absolute http or https URL");
        }
        return url;
    }

    private void refuseLiteral(String host, String member) {
        if (allowPrivate || host == null || !isLiteralAddress(host)) {
            return;
        }
        boolean refused;
        try {
            refused = isRefused(InetAddress.getByName(stripBrackets(host)));
        } catch (UnknownHostException e) {
            refused = true; // not an address after all: nothing to send to
        }
        if (refused) {
            throw ApiException.unprocessable("webhook_target_refused", "'" + member + "' points at a private, loopback"
                    + " or link-local address; this server does not send webhooks there");
        }
    }

    /** At delivery: the reason the resolved target is refused, or null when it may be sent to. */
    String refusal(String url) {
        URI uri = parse(url);
        if (uri == null) {
            return "not an absolute http or https URL";
        }
        if (allowPrivate) {
            return null;
        }
        try {
            for (InetAddress address : InetAddress.getAllByName(stripBrackets(uri.getHost()))) {
                if (isRefused(address)) {
                    return "target " + uri.getHost() + " resolves to " + address.getHostAddress()
                            + ", a private, loopback or link-local address";
                }
            }
            return null;
        } catch (UnknownHostException e) {
            return null; // the client's own lookup fails the attempt, which is then retried
        }
    }

    static URI parse(String url) {
        if (url == null || url.length() > MAX_URL) {
            return null;
        }
        try {
            URI uri = new URI(url);
            String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
            if (!(scheme.equals("http") || scheme.equals("https")) || uri.getHost() == null || uri.getRawUserInfo() != null) {
                return null;
            }
            return uri;
        } catch (URISyntaxException e) {
            return null;
        }
    }

    private static String stripBrackets(String host) {
        return host.startsWith("[") && host.endsWith("]") ? host.substring(1, host.length() - 1) : host;
    }

    private static boolean isLiteralAddress(String host) {
        return host.startsWith("[") || host.matches("[0-9.]+");
    }

    static boolean isRefused(InetAddress a) {
        if (a.isLoopbackAddress() || a.isAnyLocalAddress() || a.isLinkLocalAddress() || a.isSiteLocalAddress()
                || a.isMulticastAddress()) {
            return true;
        }
        byte[] b = a.getAddress();
        if (a instanceof Inet6Address) {
            return (b[0] & 0xfe) == 0xfc;                                   // fc00::/7 unique local
        }
        int first = b[0] & 0xff;
        int second = b[1] & 0xff;
        return first == 0                                                  // 0.0.0.0/8 "this network"
                || (first == 100 && second >= 64 && second <= 127)         // 100.64.0.0/10 carrier-grade NAT
                || (first == 255 && second == 255 && (b[2] & b[3] & 0xff) == 0xff); // broadcast
    }
}
