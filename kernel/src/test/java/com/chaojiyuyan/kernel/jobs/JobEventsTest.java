package com.chaojiyuyan.kernel.jobs;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.chaojiyuyan.kernel.testing.ContractTest;
import com.chaojiyuyan.kernel.testing.HttpApi;
import com.chaojiyuyan.kernel.testing.TestKernel;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

/**
 * A job's event log: every change in the order it happened, numbered by a strictly increasing seq,
 * readable in pages ({@code after=N}) or as a live server-sent-events stream that ends after
 * {@code settled} and resumes from {@code Last-Event-ID}.
 */
class JobEventsTest extends ContractTest {
    private static final Duration PATIENCE = Duration.ofSeconds(20);

    @Test
    void eventsFollowWhatHappenedInStrictlyIncreasingSeq() {
        String capability = kernel.newCapability(Map.of("lease_seconds", 10, "max_attempts", 3));
        TestKernel.Agent caller = kernel.newAgent();
        TestKernel.Agent lost = kernel.newWorker(capability);
        TestKernel.Agent sloppy = kernel.newWorker(capability);
        String jobId = kernel.createJob(caller, capability, "story").get("id").asString();
        String lostRun = kernel.bidAccepted(lost, jobId).get("task_run_id").asString();
        kernel.clock().advance(Duration.ofSeconds(11));
        await().atMost(PATIENCE).until(() -> kernel.job(caller, jobId).get("status").asString().equals("queued"));
        String run = kernel.bidAccepted(sloppy, jobId).get("task_run_id").asString();
        assertThat(kernel.submit(sloppy, jobId, run, Map.of("wrong", "shape")).status()).isEqualTo(422);
        assertThat(kernel.submit(sloppy, jobId, run, Map.of("echo", "story")).status()).isEqualTo(200);

        List<JsonNode> events = events(caller, jobId, "");

        assertThat(events).extracting(e -> e.get("type").asString()).containsExactly(
                "created", "bid_accepted", "lease_expired", "bid_accepted", "submit_rejected", "submitted", "settled");
        List<Long> seqs = events.stream().map(e -> e.get("seq").asLong()).toList();
        assertThat(seqs).isSorted().doesNotHaveDuplicates();
        List<Instant> times = events.stream().map(e -> Instant.parse(e.get("at").asString())).toList();
        assertThat(times).isSorted();
        assertThat(events.get(1).get("data").get("task_run_id").asString()).isEqualTo(lostRun);
        assertThat(events.get(2).get("data").get("task_run_id").asString()).isEqualTo(lostRun);
        assertThat(events.get(3).get("data").get("task_run_id").asString()).isEqualTo(run);
        assertThat(events.get(3).get("data").get("attempt").asInt()).isEqualTo(2);
        assertThat(events.get(4).get("data").get("submit_attempts_left").isNumber()).isTrue();
        assertThat(events.get(6).get("data").get("status").asString()).isEqualTo("succeeded");
    }

    @Test
    void afterPagesThroughTheLog() {
        String capability = kernel.newCapability();
        TestKernel.Agent caller = kernel.newAgent();
        String jobId = settledJob(caller, capability);
        List<JsonNode> all = events(caller, jobId, "");
        assertThat(all).hasSize(4);

        for (JsonNode event : all) {
            long seq = event.get("seq").asLong();
            assertThat(events(caller, jobId, "?after=" + seq))
                    .as("after=%d", seq)
                    .containsExactlyElementsOf(all.stream().filter(e -> e.get("seq").asLong() > seq).toList());
        }

        List<JsonNode> paged = new ArrayList<>();
        long after = 0;
        while (true) {
            HttpApi.Response page = kernel.api().get("/kernel-jobs/" + jobId + "/events?limit=3&after=" + after, caller.key());
            assertThat(page.status()).as("%s", page).isEqualTo(200);
            List<JsonNode> items = page.json().get("items").valueStream().toList();
            assertThat(items.size()).isLessThanOrEqualTo(3);
            if (items.isEmpty()) {
                assertThat(page.json().get("next_after").asLong()).isEqualTo(after);
                break;
            }
            paged.addAll(items);
            after = page.json().get("next_after").asLong();
        }
        assertThat(paged).containsExactlyElementsOf(all);
    }

    @Test
    void theStreamDeliversEventsAsTheyHappenAndEndsAfterSettled() throws Exception {
        String capability = kernel.newCapability();
        TestKernel.Agent caller = kernel.newAgent();
        TestKernel.Agent worker = kernel.newWorker(capability);
        String jobId = kernel.createJob(caller, capability, "live").get("id").asString();

        try (EventStream stream = EventStream.open(caller, jobId, null)) {
            await().atMost(PATIENCE).until(() -> stream.types().equals(List.of("created")));

            String run = kernel.bidAccepted(worker, jobId).get("task_run_id").asString();
            await().atMost(PATIENCE).until(() -> stream.types().equals(List.of("created", "bid_accepted")));
            assertThat(stream.ended()).isNotDone();

            assertThat(kernel.submit(worker, jobId, run, Map.of("echo", "live")).status()).isEqualTo(200);
            stream.ended().get(PATIENCE.toSeconds(), TimeUnit.SECONDS);

            assertThat(stream.types()).containsExactly("created", "bid_accepted", "submitted", "settled");
            assertThat(stream.frames()).extracting(Frame::id).containsExactlyElementsOf(seqs(events(caller, jobId, "")));
            assertThat(stream.frames()).allSatisfy(f -> {
                assertThat(f.data().get("seq").asLong()).isEqualTo(f.id());
                assertThat(f.data().get("type").asString()).isEqualTo(f.event());
            });
        }
    }

    @Test
    void reconnectingWithLastEventIdResumesAfterThatSeq() throws Exception {
        String capability = kernel.newCapability();
        TestKernel.Agent caller = kernel.newAgent();
        TestKernel.Agent worker = kernel.newWorker(capability);
        String jobId = kernel.createJob(caller, capability, "resume").get("id").asString();
        String run = kernel.bidAccepted(worker, jobId).get("task_run_id").asString();
        List<JsonNode> sofar = events(caller, jobId, "");
        long createdSeq = sofar.get(0).get("seq").asLong();

        try (EventStream stream = EventStream.open(caller, jobId, createdSeq)) {
            await().atMost(PATIENCE).until(() -> stream.types().equals(List.of("bid_accepted")));

            assertThat(kernel.submit(worker, jobId, run, Map.of("echo", "resume")).status()).isEqualTo(200);
            stream.ended().get(PATIENCE.toSeconds(), TimeUnit.SECONDS);

            assertThat(stream.types()).containsExactly("bid_accepted", "submitted", "settled");
            assertThat(stream.frames().get(0).id()).isEqualTo(sofar.get(1).get("seq").asLong());
        }
    }

    @Test
    void aStreamOpenedAfterSettlementSendsTheRemainingEventsAndEnds() throws Exception {
        String capability = kernel.newCapability();
        TestKernel.Agent caller = kernel.newAgent();
        String jobId = settledJob(caller, capability);
        List<JsonNode> all = events(caller, jobId, "");

        try (EventStream whole = EventStream.open(caller, jobId, null)) {
            whole.ended().get(PATIENCE.toSeconds(), TimeUnit.SECONDS);
            assertThat(whole.types()).containsExactly("created", "bid_accepted", "submitted", "settled");
        }
        long resumeAfter = all.get(1).get("seq").asLong();
        try (EventStream rest = EventStream.open(caller, jobId, resumeAfter)) {
            rest.ended().get(PATIENCE.toSeconds(), TimeUnit.SECONDS);
            assertThat(rest.types()).containsExactly("submitted", "settled");
            assertThat(rest.frames()).extracting(Frame::id).containsExactlyElementsOf(seqs(all.subList(2, 4)));
        }
        long settledSeq = all.get(3).get("seq").asLong();
        try (EventStream nothingLeft = EventStream.open(caller, jobId, settledSeq)) {
            nothingLeft.ended().get(PATIENCE.toSeconds(), TimeUnit.SECONDS);
            assertThat(nothingLeft.frames()).isEmpty();
        }
    }

    @Test
    void anotherCallersJobHasNoEventsToShow() {
        String capability = kernel.newCapability();
        String jobId = kernel.createJob(kernel.newAgent(), capability, "private").get("id").asString();
        TestKernel.Agent stranger = kernel.newAgent();

        HttpApi.Response listed = kernel.api().get("/kernel-jobs/" + jobId + "/events", stranger.key());
        HttpApi.Response streamed = kernel.api().send("GET", "/kernel-jobs/" + jobId + "/events", stranger.key(), null,
                Map.of("Accept", "text/event-stream"));

        assertThat(listed.status()).isEqualTo(404);
        assertThat(listed.code()).isEqualTo("not_found");
        assertThat(streamed.status()).isEqualTo(404);
        assertThat(streamed.code()).isEqualTo("not_found");
    }

    /** A job taken from creation to success: created, bid_accepted, submitted, settled. */
    private static String settledJob(TestKernel.Agent caller, String capability) {
        TestKernel.Agent worker = kernel.newWorker(capability);
        String jobId = kernel.createJob(caller, capability, "done").get("id").asString();
        String run = kernel.bidAccepted(worker, jobId).get("task_run_id").asString();
        assertThat(kernel.submit(worker, jobId, run, Map.of("echo", "done")).status()).isEqualTo(200);
        return jobId;
    }

    private static List<JsonNode> events(TestKernel.Agent caller, String jobId, String query) {
        HttpApi.Response r = kernel.api().get("/kernel-jobs/" + jobId + "/events" + query, caller.key());
        assertThat(r.status()).as("%s", r).isEqualTo(200);
        return r.json().get("items").valueStream().toList();
    }

    private static List<Long> seqs(List<JsonNode> events) {
        return events.stream().map(e -> e.get("seq").asLong()).toList();
    }

    /** One server-sent event: its id, its event name, its data (the event as JSON). */
    record Frame(long id, String event, JsonNode data) {
    }

    /**
     * An open {@code text/event-stream} response, read line by line on a virtual thread into frames;
     * {@link #ended()} completes when the server ends the stream.
     */
    record EventStream(HttpResponse<Stream<String>> response, List<Frame> frames, CompletableFuture<Void> ended)
            implements AutoCloseable {
        private static final HttpClient CLIENT = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();

        static EventStream open(TestKernel.Agent caller, String jobId, Long lastEventId) throws IOException, InterruptedException {
            HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(kernel.api().apiUrl() + "/kernel-jobs/" + jobId + "/events"))
                    .header("Authorization", "Bearer " + caller.key())
                    .header("Accept", "text/event-stream");
            if (lastEventId != null) {
                request.header("Last-Event-ID", Long.toString(lastEventId));
            }
            HttpResponse<Stream<String>> response = CLIENT.send(request.build(), HttpResponse.BodyHandlers.ofLines());
            assertThat(response.statusCode()).isEqualTo(200);
            assertThat(response.headers().firstValue("Content-Type")).hasValueSatisfying(t -> assertThat(t).startsWith("text/event-stream"));
            EventStream stream = new EventStream(response, new CopyOnWriteArrayList<>(), new CompletableFuture<>());
            Thread.ofVirtual().start(stream::read);
            return stream;
        }

        private void read() {
            try (Stream<String> lines = response.body()) {
                Long id = null;
                String event = null;
                String data = null;
                for (String line : (Iterable<String>) lines::iterator) {
                    if (line.isEmpty()) {
                        if (id != null) {
                            frames.add(new Frame(id, event, HttpApi.JSON.readTree(data)));
                        }
                        id = null;
                        event = null;
                        data = null;
                    } else if (line.startsWith("id: ")) {
                        id = Long.parseLong(line.substring(4));
                    } else if (line.startsWith("event: ")) {
                        event = line.substring(7);
                    } else if (line.startsWith("data: ")) {
                        data = line.substring(6);
                    }
                }
                ended.complete(null);
            } catch (RuntimeException e) {
                ended.completeExceptionally(e);
            }
        }

        List<String> types() {
            return frames.stream().map(Frame::event).toList();
        }

        @Override
        public void close() {
            response.body().close();
        }
    }
}
