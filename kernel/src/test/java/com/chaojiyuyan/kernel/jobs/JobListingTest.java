package com.chaojiyuyan.kernel.jobs;

import static com.chaojiyuyan.kernel.testing.ProblemJson.assertProblem;
import static org.assertj.core.api.Assertions.assertThat;

import com.chaojiyuyan.kernel.testing.ContractTest;
import com.chaojiyuyan.kernel.testing.HttpApi;
import com.chaojiyuyan.kernel.testing.TestKernel;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

/** {@code GET /kernel-jobs}: the caller's jobs, newest first, filtered, cursor-paginated. */
class JobListingTest extends ContractTest {
    private TestKernel.Agent caller;
    private String capability;

    @BeforeEach
    void caller() {
        caller = kernel.newAgent();
        capability = kernel.newCapability();
    }

    private List<String> createJobs(String capabilityKey, int count) {
        List<String> ids = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            ids.add(kernel.createJob(caller, capabilityKey, "job " + i).get("id").asString());
        }
        return ids;
    }

    private JsonNode page(String query) {
        HttpApi.Response r = kernel.api().get("/kernel-jobs" + query, caller.key());
        assertThat(r.status()).as(r.toString()).isEqualTo(200);
        assertThat(r.json().has("next_cursor")).as(r.toString()).isTrue();
        return r.json();
    }

    private static List<String> ids(JsonNode page) {
        return page.get("items").valueStream().map(j -> j.get("id").asString()).toList();
    }

    /** Follows next_cursor from {@code query} to the end; answers every page's ids, in order. */
    private List<List<String>> walk(String query) {
        List<List<String>> pages = new ArrayList<>();
        String separator = query.isEmpty() ? "?" : "&";
        JsonNode page = page(query.isEmpty() ? "" : "?" + query);
        pages.add(ids(page));
        while (!page.get("next_cursor").isNull()) {
            assertThat(pages).as("a walk that never ends").hasSizeLessThan(100);
            page = page((query.isEmpty() ? "?" : "?" + query + separator) + "cursor=" + page.get("next_cursor").asString());
            pages.add(ids(page));
        }
        return pages;
    }

    @Test
    void jobsAreListedNewestFirst() {
        List<String> created = createJobs(capability, 12);

        List<String> listed = ids(page(""));

        assertThat(listed).containsExactlyElementsOf(created.reversed());
        assertThat(page("").get("next_cursor").isNull()).isTrue();
    }

    @Test
    void limitAndNextCursorWalkEveryJobExactlyOnce() {
        List<String> created = createJobs(capability, 7);

        List<List<String>> pages = walk("limit=3");

        assertThat(pages).extracting(List::size).containsExactly(3, 3, 1);
        assertThat(pages.stream().flatMap(List::stream).toList()).containsExactlyElementsOf(created.reversed());
    }

    @Test
    void aFullLastPageEndsTheWalkWithoutAnEmptyPage() {
        List<String> created = createJobs(capability, 4);

        List<List<String>> pages = walk("limit=2");

        assertThat(pages).extracting(List::size).containsExactly(2, 2);
        assertThat(pages.stream().flatMap(List::stream).toList()).containsExactlyElementsOf(created.reversed());
    }

    @Test
    void jobsCreatedDuringAWalkDoNotDisturbIt() {
        List<String> created = createJobs(capability, 5);
        JsonNode first = page("?limit=2");
        List<String> newer = createJobs(capability, 2);

        List<String> rest = new ArrayList<>(ids(first));
        JsonNode page = first;
        while (!page.get("next_cursor").isNull()) {
            page = page("?limit=2&cursor=" + page.get("next_cursor").asString());
            rest.addAll(ids(page));
        }

        assertThat(rest).containsExactlyElementsOf(created.reversed()).doesNotContainAnyElementsOf(newer);
    }

    @Test
    void theStatusFilterListsOnlyJobsInThatStatus() {
        List<String> created = createJobs(capability, 4);
        String cancelled = created.get(0);
        assertThat(kernel.api().post("/kernel-jobs/" + cancelled + "/cancel", caller.key(), null).status()).isEqualTo(200);
        String running = created.get(1);
        kernel.bidAccepted(kernel.newWorker(capability), running);

        assertThat(ids(page("?status=cancelled"))).containsExactly(cancelled);
        assertThat(ids(page("?status=running"))).containsExactly(running);
        assertThat(ids(page("?status=queued"))).containsExactly(created.get(3), created.get(2));
        assertThat(ids(page("?status=succeeded"))).isEmpty();
        assertThat(walk("status=queued&limit=1").stream().flatMap(List::stream).toList())
                .containsExactly(created.get(3), created.get(2));
    }

    @Test
    void theCapabilityFilterListsOnlyJobsOfThatCapability() {
        String other = kernel.newCapability();
        List<String> mine = createJobs(capability, 2);
        List<String> theirs = createJobs(other, 3);

        assertThat(ids(page("?capability_key=" + capability))).containsExactlyElementsOf(mine.reversed());
        assertThat(ids(page("?capability_key=" + other))).containsExactlyElementsOf(theirs.reversed());
        assertThat(ids(page("?capability_key=does.not.exist"))).isEmpty();
        assertThat(ids(page("?capability_key=" + other + "&status=queued&limit=2"))).containsExactly(theirs.get(2), theirs.get(1));
    }

    @Test
    void badParametersAreRefused() {
        createJobs(capability, 1);
        String otherListingsCursor = Base64.getUrlEncoder().withoutPadding()
                .encodeToString("own_01JD3Q0000000000000000000".getBytes(StandardCharsets.UTF_8));
        for (String query : List.of("status=done", "status=QUEUED!", "status=queued&status=running", "limit=0",
                "limit=201", "limit=-1", "limit=ten", "limit=1.5", "limit=99999999999", "cursor=***", "cursor=" + otherListingsCursor,
                "cursor=bm9wZQ")) {
            JsonNode problem = assertProblem(kernel.api().get("/kernel-jobs?" + query, caller.key()), 400, "invalid_parameter");
            assertThat(problem.get("detail").asString()).as(query).contains(query.substring(0, query.indexOf('=')));
        }
    }

    @Test
    void limitBoundsAreInclusive() {
        List<String> created = createJobs(capability, 2);

        assertThat(ids(page("?limit=1"))).containsExactly(created.get(1));
        assertThat(ids(page("?limit=200"))).containsExactlyElementsOf(created.reversed());
    }
}
