package com.chaojiyuyan.kernel.artifacts;

import com.chaojiyuyan.kernel.auth.Secrets;
import com.chaojiyuyan.kernel.http.ApiException;
import com.chaojiyuyan.kernel.http.Json;
import java.net.URI;
import java.net.URISyntaxException;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.JsonNodeFactory;
import tools.jackson.databind.node.ObjectNode;

/**
 * One artifact of a submit, checked: either inline ({@code data} and its {@code sha256}) or by reference
 * ({@code url}, stored as given and never fetched).
 */
public record SubmittedArtifact(String name, String contentType, byte[] data, String sha256, String url) {
    public static final int MAX_COUNT = 32;
    public static final int MAX_NAME_LENGTH = 255;
    public static final int MAX_CONTENT_TYPE_LENGTH = 255;
    public static final int MAX_URL_LENGTH = 2048;

    private static final Set<String> MEMBERS = Set.of("name", "content_type", "data_base64", "url");
    // RFC 6838 restricted names for type and subtype, RFC 9110 parameters (token=token or token="quoted").
    private static final String NAME = "[A-Za-z0-9][A-Za-z0-9!#$&^_.+-]{0,126}";
    private static final String TOKEN = "[!#$%&'*+.^_`|~0-9A-Za-z-]+";
    private static final String QUOTED = "\"(?:[\\t\\x20\\x21\\x23-\\x5b\\x5d-\\x7e]|\\\\[\\t\\x20-\\x7e])*\"";
    private static final Pattern MEDIA_TYPE = Pattern.compile(
            NAME + "/" + NAME + "(?:[ \\t]*;[ \\t]*" + TOKEN + "=(?:" + TOKEN + "|" + QUOTED + "))*");

    public boolean inline() {
        return data != null;
    }

    /**
     * Parses the {@code artifacts} member of a submit (absent or null: none). Every refusal is a 400 with
     * a code naming what is wrong, except an artifact over {@code maxBytes}: 413 {@code payload_too_large}.
     */
    public static List<SubmittedArtifact> parseAll(JsonNode artifacts, long maxBytes) {
        if (artifacts == null || artifacts.isNull()) {
            return List.of();
        }
        if (!artifacts.isArray()) {
            throw invalid("'artifacts' must be an array of artifact objects");
        }
        if (artifacts.size() > MAX_COUNT) {
            throw ApiException.badRequest("too_many_artifacts",
                    "a submit carries at most " + MAX_COUNT + " artifacts, got " + artifacts.size());
        }
        List<SubmittedArtifact> out = new ArrayList<>();
        Set<String> names = new HashSet<>();
        int index = 0;
        for (JsonNode item : artifacts.values()) {
            SubmittedArtifact artifact = parse(item, index, maxBytes);
            // Case-insensitively unique: a client saving them to a case-insensitive disk must not overwrite one.
            if (!names.add(artifact.name().toLowerCase(Locale.ROOT))) {
                throw ApiException.badRequest("duplicate_artifact_name",
                        "artifacts[" + index + "]: the name '" + artifact.name() + "' is used twice (names are compared ignoring case)");
            }
            out.add(artifact);
            index++;
        }
        return List.copyOf(out);
    }

    private static SubmittedArtifact parse(JsonNode item, int index, long maxBytes) {
        String where = "artifacts[" + index + "]";
        if (!item.isObject()) {
            throw invalid(where + " must be an object {name, content_type, data_base64 | url}");
        }
        for (Map.Entry<String, JsonNode> member : item.properties()) {
            if (!MEMBERS.contains(member.getKey())) {
                throw invalid(where + " has an unknown member '" + member.getKey() + "'; allowed: content_type, data_base64, name, url");
            }
        }
        String name = string(item, "name", where);
        String contentType = string(item, "content_type", where);
        String base64 = string(item, "data_base64", where);
        String url = string(item, "url", where);
        if (name == null || contentType == null) {
            throw invalid(where + " needs 'name' and 'content_type'");
        }
        if ((base64 == null) == (url == null)) {
            throw invalid(where + " needs exactly one of 'data_base64' (the bytes) and 'url' (a reference)");
        }
        checkName(name, where);
        if (contentType.length() > MAX_CONTENT_TYPE_LENGTH || !MEDIA_TYPE.matcher(contentType).matches()) {
            throw ApiException.badRequest("invalid_content_type",
                    where + ": '" + contentType + "' is not a media type like 'image/png' or 'text/plain; charset=utf-8'");
        }
        if (url != null) {
            return new SubmittedArtifact(name, contentType, null, null, checkUrl(url, where));
        }
        byte[] data = decode(base64, where, maxBytes);
        return new SubmittedArtifact(name, contentType, data, Secrets.sha256Hex(data), null);
    }

    private static String string(JsonNode item, String member, String where) {
        JsonNode v = item.get(member);
        if (v == null || v.isNull()) {
            return null;
        }
        if (!v.isString()) {
            throw invalid(where + "." + member + " must be a string");
        }
        return v.asString();
    }

    /** A file name a client can save as is: no path, no control or invisible formatting characters. */
    private static void checkName(String name, String where) {
        String problem = null;
        if (name.isEmpty() || name.length() > MAX_NAME_LENGTH) {
            problem = "must be 1 to " + MAX_NAME_LENGTH + " characters";
        } else if (name.equals(".") || name.equals("..")) {
            problem = "must not be '.' or '..'";
        } else if (name.indexOf('/') >= 0 || name.indexOf('\\') >= 0) {
            problem = "must not contain path separators ('/' or '\\')";
        } else if (name.codePoints().anyMatch(SubmittedArtifact::unprintable)) {
            problem = "must not contain control, line-separator or formatting characters";
        }
        if (problem != null) {
            throw ApiException.badRequest("invalid_artifact_name", where + ".name " + problem);
        }
    }

    private static boolean unprintable(int cp) {
        int type = Character.getType(cp);
        return Character.isISOControl(cp) || type == Character.FORMAT || type == Character.LINE_SEPARATOR
                || type == Character.PARAGRAPH_SEPARATOR || type == Character.SURROGATE || type == Character.UNASSIGNED;
    }

    private static String checkUrl(String url, String where) {
        try {
            URI uri = new URI(url);
            String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
            if (url.length() > MAX_URL_LENGTH || !(scheme.equals("http") || scheme.equals("https")) || uri.getHost() == null) {
                throw new URISyntaxException(url, "not an absolute http(s) URL");
            }
            return url;
        } catch (URISyntaxException e) {
            throw ApiException.badRequest("invalid_artifact_url",
                    where + ".url must be an absolute http or https URL of at most " + MAX_URL_LENGTH + " characters");
        }
    }

    /** Standard base64 (RFC 4648 section 4), padding optional, no whitespace; the size is checked before decoding. */
    private static byte[] decode(String base64, String where, long maxBytes) {
        if ((long) base64.length() / 4 * 3 > maxBytes + 3) {
            throw tooLarge(where, maxBytes);
        }
        byte[] data;
        try {
            data = Base64.getDecoder().decode(base64);
        } catch (IllegalArgumentException e) {
            throw ApiException.badRequest("invalid_base64",
                    where + ".data_base64 is not standard base64 (A-Z a-z 0-9 + /, '=' padding, no line breaks)");
        }
        if (data.length > maxBytes) {
            throw tooLarge(where, maxBytes);
        }
        return data;
    }

    private static ApiException tooLarge(String where, long maxBytes) {
        return new ApiException(413, "payload_too_large", where + " is larger than " + maxBytes + " bytes (CHAOJIYUYAN_MAX_ARTIFACT_BYTES)");
    }

    private static ApiException invalid(String detail) {
        return ApiException.badRequest("invalid_artifact", detail);
    }

    /**
     * What a submit's artifacts add to its identity: names, types and content hashes (or URLs), in order.
     * A repeated submit is the same submit only if its artifacts are the same too.
     */
    public static JsonNode identity(List<SubmittedArtifact> artifacts) {
        ArrayNode out = JsonNodeFactory.instance.arrayNode();
        for (SubmittedArtifact a : artifacts) {
            ObjectNode item = out.addObject();
            item.put("name", a.name());
            item.put("content_type", a.contentType());
            if (a.inline()) {
                item.put("sha256", a.sha256());
            } else {
                item.put("url", a.url());
            }
        }
        return out;
    }
}
