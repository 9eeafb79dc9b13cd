package com.chaojiyuyan.kernel.artifacts;

import com.chaojiyuyan.kernel.http.Api;
import com.chaojiyuyan.kernel.http.Api.Access;
import com.chaojiyuyan.kernel.jobs.Jobs;
import io.javalin.http.Context;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;

/** {@code GET /kernel-jobs/{job_id}/artifacts/{artifact_id}}: an inline artifact's bytes. */
public final class ArtifactRoutes {
    private final Artifacts artifacts;
    private final Jobs jobs;

    public ArtifactRoutes(Artifacts artifacts, Jobs jobs) {
        this.artifacts = artifacts;
        this.jobs = jobs;
    }

    public void register(Api api) {
        api.get("/kernel-jobs/{job_id}/artifacts/{artifact_id}", Access.ANY, (ctx, caller) -> {
            // Scoped like the job (404 when it is not the caller's to see), then like the artifact.
            Jobs.Visible visible = jobs.getVisible(caller, ctx.pathParam("job_id"));
            download(ctx, artifacts.find(caller, visible, ctx.pathParam("artifact_id")));
        });
    }

    private void download(Context ctx, Artifact artifact) throws Exception {
        try (InputStream bytes = artifacts.open(artifact)) {
            var res = ctx.res();
            String etag = "\"" + artifact.sha256() + "\"";
            res.setHeader("ETag", etag);
            // The bytes of an artifact never change (its name is their hash), but they are private.
            res.setHeader("Cache-Control", "private, max-age=31536000, immutable");
            if (matches(ctx.header("If-None-Match"), etag)) {
                res.setStatus(304);
                return;
            }
            ctx.disableCompression();
            res.setStatus(200);
            res.setContentType(artifact.contentType()); // as submitted (Jetty drops the space before a charset)
            res.setContentLengthLong(artifact.sizeBytes());
            res.setHeader("Content-Disposition", contentDisposition(artifact.name()));
            // Whatever the worker said the type is, a browser must not run it in this server's origin.
            res.setHeader("X-Content-Type-Options", "nosniff");
            res.setHeader("Content-Security-Policy", "default-src 'none'; sandbox");
            OutputStream out = res.getOutputStream();
            bytes.transferTo(out);
            out.flush();
        }
    }

    private static boolean matches(String ifNoneMatch, String etag) {
        if (ifNoneMatch == null) {
            return false;
        }
        for (String candidate : ifNoneMatch.split(",")) {
            String c = candidate.trim();
            if (c.equals("*") || c.equals(etag) || c.equals("W/" + etag)) {
                return true;
            }
        }
        return false;
    }

    /**
     * {@code attachment} with the name twice (RFC 6266): an ASCII fallback in {@code filename} (anything
     * else, and quotes and backslashes, become '_') and the exact name, UTF-8 percent-encoded, in
     * {@code filename*} (RFC 8187). Names are checked at submit: no separators or control characters.
     */
    static String contentDisposition(String name) {
        StringBuilder ascii = new StringBuilder();
        name.codePoints().forEach(cp -> ascii.append(cp >= 0x20 && cp < 0x7f && cp != '"' && cp != '\\' ? (char) cp : '_'));
        StringBuilder encoded = new StringBuilder();
        for (byte b : name.getBytes(StandardCharsets.UTF_8)) {
            int c = b & 0xff;
            if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || "!#$&+-.^_`|~".indexOf(c) >= 0) {
                encoded.append((char) c);
            } else {
                encoded.append('%').append(Character.toUpperCase(Character.forDigit(c >> 4, 16)))
                        .append(Character.toUpperCase(Character.forDigit(c & 15, 16)));
            }
        }
        return "attachment; filename=\"" + ascii + "\"; filename*=UTF-8''" + encoded;
    }
}
