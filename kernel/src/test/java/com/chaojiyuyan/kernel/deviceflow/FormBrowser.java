package com.chaojiyuyan.kernel.deviceflow;

import static org.assertj.core.api.Assertions.assertThat;

import com.chaojiyuyan.kernel.testing.HttpApi;
import java.util.HashMap;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** A browser reduced to what /activate needs: one cookie, GETs, form POSTs, no script, no redirects followed. */
final class FormBrowser {
    private static final Pattern CSRF = Pattern.compile("name=\"csrf\" value=\"([0-9a-f]+)\"");

    private final HttpApi http;
    private final String baseUrl;
    private String cookie;

    FormBrowser(HttpApi http, String baseUrl) {
        this.http = http;
        this.baseUrl = baseUrl;
    }

    HttpApi.Response get(String pathAndQuery) {
        return remember(http.send("GET", baseUrl + pathAndQuery, null, null, headers(Map.of())));
    }

    HttpApi.Response post(Map<String, String> form) {
        return remember(http.send("POST", baseUrl + "/activate", null, DeviceClient.form(form),
                headers(Map.of("Content-Type", "application/x-www-form-urlencoded"))));
    }

    /** Signs in through the page's form and checks the redirect back to it. */
    HttpApi.Response signIn(String email, String password, String code) {
        Map<String, String> form = new HashMap<>(Map.of("action", "sign_in", "email", email, "password", password));
        if (code != null) {
            form.put("code", code);
        }
        HttpApi.Response r = post(form);
        assertThat(r.status()).as("sign in: %s", r).isEqualTo(303);
        return r;
    }

    String cookie() {
        return cookie;
    }

    void useCookie(String value) {
        cookie = value;
    }

    static String csrf(HttpApi.Response page) {
        Matcher m = CSRF.matcher(page.text());
        assertThat(m.find()).as("a CSRF token in %s", page.text()).isTrue();
        return m.group(1);
    }

    private Map<String, String> headers(Map<String, String> extra) {
        Map<String, String> out = new HashMap<>(extra);
        if (cookie != null) {
            out.put("Cookie", "cjy_session=" + cookie);
        }
        return out;
    }

    private HttpApi.Response remember(HttpApi.Response r) {
        String set = r.header("Set-Cookie");
        if (set != null && set.startsWith("cjy_session=")) {
            String value = set.substring("cjy_session=".length(), set.indexOf(';'));
            cookie = value.isEmpty() ? null : value;
        }
        return r;
    }
}
