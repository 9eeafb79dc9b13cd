package com.chaojiyuyan.kernel.artifacts;

import static com.chaojiyuyan.kernel.testing.ProblemJson.assertProblem;
import static org.assertj.core.api.Assertions.assertThat;

import com.chaojiyuyan.kernel.testing.ContractTest;
import com.chaojiyuyan.kernel.testing.HttpApi;
import com.chaojiyuyan.kernel.testing.TestKernel;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

/**
 * Artifacts handed in with a submit: inline bytes come back byte for byte from the download URL the job
 * lists, by-reference ones are listed with their URL; only the job's caller (and the worker that made
 * them) may read them; an invalid or oversize artifact refuses the whole submit and writes nothing; a
 * repeated identical submit keeps one set of artifacts.
 */
class ArtifactsTest extends ContractTest {
    private static final int MAX_ARTIFACT_BYTES = 10 << 20; // the default CHAOJIYUYAN_MAX_ARTIFACT_BYTES
    private static final HttpClient HTTP = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
    private static final Random RANDOM = new Random(20261121L);

    /** A job of a fresh capability, created by {@code caller}, held by {@code worker} (its run id). */
    private record Held(TestKernel.Agent caller, TestKernel.Agent worker, String capability, String jobId, String run) {
    }

    private static Held held(Map<String, Object> capabilityOverrides) {
        String capability = kernel.newCapability(capabilityOverrides);
        TestKernel.Agent caller = kernel.newAgent();
        TestKernel.Agent worker = kernel.newWorker(capability);
        String jobId = kernel.createJob(caller, capability, "make files").get("id").asString();
        String run = kernel.bidAccepted(worker, jobId).get("task_run_id").asString();
        return new Held(caller, worker, capability, jobId, run);
    }

    private static Held held() {
        return held(Map.of());
    }

    private static HttpApi.Response submit(Held h, List<?> artifacts) {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("task_run_id", h.run());
        body.put("output", Map.of("echo", "done"));
        body.put("artifacts", artifacts);
        return kernel.api().post("/kernel-jobs/" + h.jobId() + "/submit", h.worker().key(), body);
    }

    private static Map<String, Object> inline(String name, String contentType, byte[] data) {
        return Map.of("name", name, "content_type", contentType, "data_base64", Base64.getEncoder().encodeToString(data));
    }

    private static Map<String, Object> byReference(String name, String contentType, String url) {
        return Map.of("name", name, "content_type", contentType, "url", url);
    }

    private static byte[] random(int size) {
        byte[] data = new byte[size];
        RANDOM.nextBytes(data);
        return data;
    }

    private static String sha256(byte[] data) throws Exception {
        return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(data));
    }

    /** A GET answered as bytes (the test client's other requests read text). */
    private static HttpResponse<byte[]> download(String url, String token, String... headers) throws IOException, InterruptedException {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(url)).header("Authorization", "Bearer " + token);
        for (int i = 0; i < headers.length; i += 2) {
            b.header(headers[i], headers[i + 1]);
        }
        return HTTP.send(b.GET().build(), HttpResponse.BodyHandlers.ofByteArray());
    }

    private static String artifactPath(String jobId, String artifactId) {
        return kernel.server().apiUrl() + "/kernel-jobs/" + jobId + "/artifacts/" + artifactId;
    }

    @Test
    void inlineArtifactsComeBackByteForByteFromTheirDownloadUrl() throws Exception {
        Held h = held();
        // Empty, the three base64 paddings, and one larger than any buffer.
        int[] sizes = {0, 1, 2, 3, 70_001};
        List<byte[]> contents = new ArrayList<>();
        List<Object> artifacts = new ArrayList<>();
        for (int size : sizes) {
            byte[] data = random(size);
            contents.add(data);
            artifacts.add(inline("part-" + size + ".bin", "application/octet-stream", data));
        }

        HttpApi.Response submitted = submit(h, artifacts);

        assertThat(submitted.status()).as("%s", submitted).isEqualTo(200);
        JsonNode listed = kernel.job(h.caller(), h.jobId()).get("artifacts");
        assertThat(submitted.json().get("artifacts")).as("the worker's view lists them too").isEqualTo(listed);
        assertThat(listed).hasSize(sizes.length);
        for (int i = 0; i < sizes.length; i++) {
            JsonNode a = listed.get(i);
            String id = a.get("id").asString();
            assertThat(id).matches("art_[0-9A-Z]{26}");
            assertThat(a.get("name").asString()).isEqualTo("part-" + sizes[i] + ".bin");
            assertThat(a.get("content_type").asString()).isEqualTo("application/octet-stream");
            assertThat(a.get("size_bytes").asLong()).isEqualTo(sizes[i]);
            assertThat(a.get("sha256").asString()).isEqualTo(sha256(contents.get(i)));
            assertThat(a.get("url").asString()).isEqualTo(artifactPath(h.jobId(), id));

            HttpResponse<byte[]> got = download(a.get("url").asString(), h.caller().key());
            assertThat(got.statusCode()).isEqualTo(200);
            assertThat(got.body()).as("artifact of %d bytes", sizes[i]).isEqualTo(contents.get(i));
            assertThat(got.headers().firstValue("Content-Type")).hasValue("application/octet-stream");
            assertThat(got.headers().firstValueAsLong("Content-Length")).hasValue(sizes[i]);
            assertThat(got.headers().firstValue("ETag")).hasValue("\"" + sha256(contents.get(i)) + "\"");
            assertThat(got.headers().firstValue("Content-Disposition"))
                    .hasValue("attachment; filename=\"part-" + sizes[i] + ".bin\"; filename*=UTF-8''part-" + sizes[i] + ".bin");
        }
    }

    @Test
    void anArtifactOfExactlyTheLimitRoundTrips() throws Exception {
        Held h = held();
        byte[] data = random(MAX_ARTIFACT_BYTES);

        HttpApi.Response submitted = submit(h, List.of(inline("large.dat", "application/x-test", data)));

        assertThat(submitted.status()).as("%s", submitted.status()).isEqualTo(200);
        JsonNode a = kernel.job(h.caller(), h.jobId()).get("artifacts").get(0);
        assertThat(a.get("size_bytes").asLong()).isEqualTo(MAX_ARTIFACT_BYTES);
        HttpResponse<byte[]> got = download(a.get("url").asString(), h.caller().key());
        assertThat(got.statusCode()).isEqualTo(200);
        assertThat(got.headers().firstValue("Content-Type")).hasValue("application/x-test");
        assertThat(got.body()).isEqualTo(data);
    }

    @Test
    void onlyTheCallerItsOwnerAndTheProducingWorkerMayDownload() throws Exception {
        TestKernel.Owner owner = kernel.newOwner();
        String capability = kernel.newCapability();
        TestKernel.Agent caller = kernel.newAgent(owner, "caller");
        TestKernel.Agent producer = kernel.newWorker(capability);
        String jobId = kernel.createJob(caller, capability, "secret").get("id").asString();
        String run = kernel.bidAccepted(producer, jobId).get("task_run_id").asString();
        byte[] data = random(100);
        assertThat(submit(new Held(caller, producer, capability, jobId, run), List.of(inline("secret.bin", "application/octet-stream", data)))
                .status()).isEqualTo(200);
        String url = kernel.job(caller, jobId).get("artifacts").get(0).get("url").asString();

        assertThat(download(url, caller.key()).body()).isEqualTo(data);
        assertThat(download(url, owner.token()).body()).isEqualTo(data);
        assertThat(download(url, producer.key()).body()).isEqualTo(data);

        TestKernel.Agent stranger = kernel.newAgent();
        TestKernel.Agent sameCapabilityWorker = kernel.newWorker(capability);
        TestKernel.Agent sameOwnersOtherAgent = kernel.newAgent(owner, "sibling");
        for (String token : List.of(stranger.key(), sameCapabilityWorker.key(), sameOwnersOtherAgent.key(), kernel.newOwner().token())) {
            HttpApi.Response r = kernel.api().get(url, token);
            assertProblem(r, 404, "not_found");
        }
        assertProblem(kernel.api().get(artifactPath(jobId, "art_01JXKZ6Q4M3V8W2R5T7Y9B1C3D"), caller.key()), 404, "not_found");
        assertProblem(kernel.api().get(artifactPath(jobId, "not-an-id"), caller.key()), 404, "not_found");
        String otherJob = kernel.createJob(caller, capability, "other").get("id").asString();
        String artifactId = url.substring(url.lastIndexOf('/') + 1);
        assertProblem(kernel.api().get(artifactPath(otherJob, artifactId), caller.key()), 404, "not_found");
    }

    @Test
    void aRevalidationWithTheETagIsNotModified() throws Exception {
        Held h = held();
        assertThat(submit(h, List.of(inline("a.txt", "text/plain; charset=utf-8", "hello".getBytes()))).status()).isEqualTo(200);
        JsonNode a = kernel.job(h.caller(), h.jobId()).get("artifacts").get(0);

        HttpResponse<byte[]> again = download(a.get("url").asString(), h.caller().key(),
                "If-None-Match", "\"" + a.get("sha256").asString() + "\"");
        HttpResponse<byte[]> changed = download(a.get("url").asString(), h.caller().key(), "If-None-Match", "\"something-else\"");

        assertThat(again.statusCode()).isEqualTo(304);
        assertThat(again.body()).isEmpty();
        assertThat(changed.statusCode()).isEqualTo(200);
        assertThat(changed.body()).isEqualTo("hello".getBytes());
        assertThat(changed.headers().firstValue("Content-Type").orElseThrow().replace(" ", ""))
                .as("the submitted type, up to the space before its parameter").isEqualTo("text/plain;charset=utf-8");
    }

    @Test
    void anOversizeArtifactIs413AndWritesNothing() throws Exception {
        Held h = held(Map.of("max_submit_attempts", 1));
        byte[] oversize = random(MAX_ARTIFACT_BYTES + 1);

        HttpApi.Response r = submit(h, List.of(inline("small.txt", "text/plain", "fine".getBytes()),
                inline("too-big.bin", "application/octet-stream", oversize)));

        assertProblem(r, 413, "payload_too_large");
        FileBlobStore blobs = new FileBlobStore(kernel.server().config().blobDir());
        assertThat(blobs.exists(sha256(oversize))).as("the oversize bytes were not stored").isFalse();
        assertThat(blobs.exists(sha256("fine".getBytes()))).as("nor the valid artifact beside them").isFalse();
        assertThat(kernel.job(h.caller(), h.jobId()).get("status").asString()).isEqualTo("running");
        assertThat(kernel.eventTypes(h.caller(), h.jobId())).as("no submit was counted").containsExactly("created", "bid_accepted");
        HttpApi.Response plain = submit(h, List.of());
        assertThat(plain.status()).as("%s", plain).isEqualTo(200);
        assertThat(plain.json().get("artifacts")).as("no artifact row was left behind").isEmpty();
    }

    @Test
    void aRepeatedIdenticalSubmitKeepsOneSetOfArtifactsAndADifferentOneConflicts() {
        Held h = held();
        List<Object> artifacts = List.of(inline("one.bin", "application/octet-stream", random(1000)),
                byReference("two.png", "image/png", "https://files.example.org/two.png"));

        HttpApi.Response first = submit(h, artifacts);
        HttpApi.Response repeated = submit(h, artifacts);

        assertThat(first.status()).as("%s", first).isEqualTo(200);
        assertThat(repeated.status()).as("%s", repeated).isEqualTo(200);
        assertThat(repeated.json()).isEqualTo(first.json());
        assertThat(kernel.job(h.caller(), h.jobId()).get("artifacts")).hasSize(2);
        assertThat(kernel.eventTypes(h.caller(), h.jobId())).containsExactly("created", "bid_accepted", "submitted", "settled");

        assertProblem(submit(h, List.of(artifacts.get(0))), 409, "already_submitted");
        assertProblem(submit(h, List.of(artifacts.get(0), inline("two.png", "image/png", random(10)))), 409, "already_submitted");
        assertProblem(submit(h, List.of()), 409, "already_submitted");
        assertThat(kernel.job(h.caller(), h.jobId()).get("artifacts")).hasSize(2);
    }

    @Test
    void byReferenceArtifactsAreListedWithTheirUrlAndNoBytes() throws Exception {
        Held h = held();
        String external = "https://cdn.example.org/renders/frame%2001.png?sig=abc";
        byte[] data = random(64);

        HttpApi.Response r = submit(h, List.of(byReference("frame 01.png", "image/png", external),
                inline("log.txt", "text/plain", data)));

        assertThat(r.status()).as("%s", r).isEqualTo(200);
        JsonNode listed = kernel.job(h.caller(), h.jobId()).get("artifacts");
        assertThat(listed).hasSize(2);
        JsonNode ref = listed.get(0);
        assertThat(ref.get("name").asString()).isEqualTo("frame 01.png");
        assertThat(ref.get("content_type").asString()).isEqualTo("image/png");
        assertThat(ref.get("url").asString()).isEqualTo(external);
        assertThat(ref.get("size_bytes").isNull()).isTrue();
        assertThat(ref.get("sha256").isNull()).isTrue();
        assertThat(listed.get(1).get("url").asString()).startsWith(kernel.server().apiUrl());
        assertProblem(kernel.api().get(artifactPath(h.jobId(), ref.get("id").asString()), h.caller().key()), 404, "not_found");
        assertThat(download(listed.get(1).get("url").asString(), h.caller().key()).body()).isEqualTo(data);
    }

    @Test
    void invalidArtifactsAreRefusedWithACodeAndCostNoSubmit() {
        Held h = held(Map.of("max_submit_attempts", 1));
        byte[] ok = "ok".getBytes();
        Map<String, List<?>> cases = new LinkedHashMap<>();
        cases.put("invalid_base64", List.of(Map.of("name", "a", "content_type", "text/plain", "data_base64", "not base64!")));
        cases.put("invalid_base64 ", List.of(Map.of("name", "a", "content_type", "text/plain", "data_base64", "aGVs\nbG8=")));
        cases.put("invalid_base64  ", List.of(Map.of("name", "a", "content_type", "text/plain", "data_base64", "aGVsbG8_")));
        cases.put("invalid_artifact_name", List.of(inline("", "text/plain", ok)));
        cases.put("invalid_artifact_name ", List.of(inline("dir/file.txt", "text/plain", ok)));
        cases.put("invalid_artifact_name  ", List.of(inline("dir\\file.txt", "text/plain", ok)));
        cases.put("invalid_artifact_name   ", List.of(inline("..", "text/plain", ok)));
        cases.put("invalid_artifact_name    ", List.of(inline("line\nbreak", "text/plain", ok)));
        cases.put("invalid_artifact_name     ", List.of(inline("nul\u0000", "text/plain", ok)));
        cases.put("invalid_artifact_name      ", List.of(inline("evil\u202Egnp.exe", "text/plain", ok)));
        cases.put("invalid_artifact_name       ", List.of(inline("x".repeat(256), "text/plain", ok)));
        cases.put("duplicate_artifact_name", List.of(inline("same.txt", "text/plain", ok), inline("same.txt", "text/plain", ok)));
        cases.put("duplicate_artifact_name ", List.of(inline("Report.PDF", "application/pdf", ok),
                byReference("report.pdf", "application/pdf", "https://example.org/r.pdf")));
        cases.put("invalid_content_type", List.of(inline("a", "text", ok)));
        cases.put("invalid_content_type ", List.of(inline("a", "text/", ok)));
        cases.put("invalid_content_type  ", List.of(inline("a", "text/plain; charset", ok)));
        cases.put("invalid_content_type   ", List.of(inline("a", "text/plain\r\nX-Injected: 1", ok)));
        cases.put("invalid_artifact_url", List.of(byReference("a", "text/plain", "ftp://example.org/a")));
        cases.put("invalid_artifact_url ", List.of(byReference("a", "text/plain", "/relative/a")));
        cases.put("invalid_artifact", List.of(Map.of("name", "a", "content_type", "text/plain")));
        cases.put("invalid_artifact ", List.of(Map.of("name", "a", "content_type", "text/plain", "data_base64", "b2s=",
                "url", "https://example.org/a")));
        cases.put("invalid_artifact  ", List.of(Map.of("name", "a", "content_type", "text/plain", "data_base64", "b2s=", "size", 2)));
        cases.put("invalid_artifact   ", List.of("a.txt"));
        cases.put("invalid_artifact    ", List.of(Map.of("content_type", "text/plain", "data_base64", "b2s=")));
        List<Object> tooMany = new ArrayList<>();
        for (int i = 0; i < 33; i++) {
            tooMany.add(inline("f" + i, "text/plain", ok));
        }
        cases.put("too_many_artifacts", tooMany);

        cases.forEach((code, artifacts) -> assertProblem(submit(h, artifacts), 400, code.strip()));
        assertProblem(kernel.api().post("/kernel-jobs/" + h.jobId() + "/submit", h.worker().key(),
                Map.of("task_run_id", h.run(), "output", Map.of("echo", "x"), "artifacts", "a.txt")), 400, "invalid_artifact");

        assertThat(kernel.eventTypes(h.caller(), h.jobId())).as("no submit was counted").containsExactly("created", "bid_accepted");
        List<Object> fine = List.of(inline("résumé 2026 (final).pdf", "application/pdf", ok),
                inline("Ünïcödé ✓.txt", "text/plain; charset=\"utf-8\"", ok));
        HttpApi.Response accepted = submit(h, fine);
        assertThat(accepted.status()).as("%s", accepted).isEqualTo(200);
        assertThat(accepted.json().get("artifacts")).hasSize(2);
    }

    @Test
    void aSubmitThatWillBeRefusedStoresNoBytes() throws Exception {
        FileBlobStore blobs = new FileBlobStore(kernel.server().config().blobDir());
        Held rejected = held(Map.of("max_submit_attempts", 2));
        byte[] withBadOutput = random(2000);
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("task_run_id", rejected.run());
        body.put("output", Map.of("wrong", "shape"));
        body.put("artifacts", List.of(inline("a.bin", "application/octet-stream", withBadOutput)));

        assertProblem(kernel.api().post("/kernel-jobs/" + rejected.jobId() + "/submit", rejected.worker().key(), body),
                422, "submit_validation_failed");

        assertThat(blobs.exists(sha256(withBadOutput))).as("bytes of an output that fails its schema").isFalse();
        assertThat(submit(rejected, List.of(inline("a.bin", "application/octet-stream", withBadOutput))).status()).isEqualTo(200);
        assertThat(blobs.exists(sha256(withBadOutput))).as("stored once the submit is accepted").isTrue();

        Held cancelled = held();
        assertThat(kernel.api().post("/kernel-jobs/" + cancelled.jobId() + "/cancel", cancelled.caller().key(), null).status())
                .isEqualTo(200);
        byte[] late = random(2000);
        assertProblem(submit(cancelled, List.of(inline("late.bin", "application/octet-stream", late))), 410, "job_terminal");
        assertThat(blobs.exists(sha256(late))).as("bytes of a submit to a cancelled job").isFalse();
    }

    @Test
    void anyValidContentTypeIsServedBackWhateverItsParameters() throws Exception {
        Held h = held();
        List<String> types = List.of("text/plain; charset=x-no-such-charset", "application/json; profile=\"https://example.org/p\"",
                "image/svg+xml", "text/html; charset=utf-8");
        List<Object> artifacts = new ArrayList<>();
        for (int i = 0; i < types.size(); i++) {
            artifacts.add(inline("file" + i, types.get(i), ("content " + i).getBytes()));
        }
        assertThat(submit(h, artifacts).status()).isEqualTo(200);

        JsonNode listed = kernel.job(h.caller(), h.jobId()).get("artifacts");
        for (int i = 0; i < types.size(); i++) {
            assertThat(listed.get(i).get("content_type").asString()).isEqualTo(types.get(i));
            HttpResponse<byte[]> got = download(listed.get(i).get("url").asString(), h.caller().key());
            assertThat(got.statusCode()).as(types.get(i)).isEqualTo(200);
            assertThat(got.body()).isEqualTo(("content " + i).getBytes());
            assertThat(got.headers().firstValue("Content-Type").orElseThrow().replace(" ", ""))
                    .isEqualToIgnoringCase(types.get(i).replace(" ", ""));
            // An artifact is never a page of this server, whatever type the worker declared.
            assertThat(got.headers().firstValue("X-Content-Type-Options")).hasValue("nosniff");
            assertThat(got.headers().firstValue("Content-Security-Policy")).hasValue("default-src 'none'; sandbox");
        }
    }

    @Test
    void aListingShowsEachJobWithItsOwnArtifacts() {
        String capability = kernel.newCapability();
        TestKernel.Agent caller = kernel.newAgent();
        TestKernel.Agent worker = kernel.newWorker(capability);
        List<String> jobIds = new ArrayList<>();
        for (int artifacts : new int[] {2, 1, 0}) {
            String jobId = kernel.createJob(caller, capability, "job with " + artifacts).get("id").asString();
            String run = kernel.bidAccepted(worker, jobId).get("task_run_id").asString();
            List<Object> files = new ArrayList<>();
            for (int i = 0; i < artifacts; i++) {
                files.add(inline(jobId + "-" + i + ".bin", "application/octet-stream", random(10 + i)));
            }
            assertThat(submit(new Held(caller, worker, capability, jobId, run), files).status()).isEqualTo(200);
            jobIds.add(jobId);
        }
        jobIds.add(kernel.createJob(caller, capability, "still queued").get("id").asString());

        HttpApi.Response page = kernel.api().get("/kernel-jobs?capability_key=" + capability, caller.key());

        assertThat(page.status()).isEqualTo(200);
        List<JsonNode> items = page.json().get("items").valueStream().toList();
        assertThat(items).extracting(j -> j.get("id").asString()).containsExactlyInAnyOrderElementsOf(jobIds);
        for (JsonNode item : items) {
            assertThat(item.get("artifacts")).as("job %s", item.get("id"))
                    .isEqualTo(kernel.job(caller, item.get("id").asString()).get("artifacts"));
        }
        assertThat(items).extracting(j -> j.get("artifacts").size()).containsExactlyInAnyOrder(2, 1, 0, 0);
    }
}
