package com.chaojiyuyan.cli.client;

import com.chaojiyuyan.cli.console.CliError;
import com.chaojiyuyan.cli.console.Console;
import com.chaojiyuyan.cli.console.JsonOption;
import com.chaojiyuyan.cli.console.VerboseOption;
import com.chaojiyuyan.sdk.Job;
import com.chaojiyuyan.sdk.JobPage;
import com.chaojiyuyan.sdk.JobQuery;
import com.chaojiyuyan.sdk.JobStatus;
import com.chaojiyuyan.sdk.KernelClient;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.JsonNodeFactory;
import tools.jackson.databind.node.ObjectNode;

@Command(name = "jobs", mixinStandardHelpOptions = true,
        description = "List the jobs this key created, newest first, a page at a time.")
public final class JobsCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Option(names = "--status", paramLabel = "STATUS", description = "Only jobs in this status: queued, running, succeeded, failed, cancelled, expired.")
    String status;

    @Option(names = "--capability", paramLabel = "KEY", description = "Only jobs of this capability.")
    String capability;

    @Option(names = "--limit", paramLabel = "N", description = "Page size, 1 to 200 (default: 50).")
    Integer limit;

    @Option(names = "--cursor", paramLabel = "CURSOR", description = "Continue after a previous page (its next_cursor).")
    String cursor;

    @Option(names = "--all", description = "Follow every page.")
    boolean all;

    @Mixin
    JsonOption output;

    @Mixin
    ClientOptions client;

    @Mixin
    VerboseOption verbose;

    @Override
    public Integer call() {
        Console console = Console.of(spec);
        JobQuery query = JobQuery.all();
        if (status != null) {
            JobStatus s = JobStatus.parse(status);
            if (s == JobStatus.UNKNOWN) {
                throw CliError.usage("invalid_parameter", "--status must be one of " + Arrays.stream(JobStatus.values())
                        .filter(v -> v != JobStatus.UNKNOWN).map(JobStatus::wire).toList());
            }
            query = query.status(s);
        }
        if (capability != null) {
            query = query.capabilityKey(capability);
        }
        if (limit != null) {
            query = query.limit(limit);
        }
        if (cursor != null) {
            query = query.cursor(cursor);
        }
        List<Job> jobs = new ArrayList<>();
        String next;
        try (KernelClient kernel = client.profile().client()) {
            JobPage page = kernel.listJobs(query);
            jobs.addAll(page.items());
            while (all && page.hasMore()) {
                page = kernel.listJobs(query.cursor(page.nextCursor()));
                jobs.addAll(page.items());
            }
            next = page.nextCursor();
        }
        if (output.json) {
            ObjectNode doc = JsonNodeFactory.instance.objectNode();
            ArrayNode items = doc.putArray("items");
            jobs.forEach(j -> items.add(j.raw()));
            doc.put("next_cursor", next);
            console.json(doc);
            return 0;
        }
        console.table(JobView.HEADERS, jobs.stream().map(j -> JobView.row(console, j)).toList());
        if (next != null) {
            console.note("more: chaojiyuyan jobs --cursor " + next + "   (or --all)");
        }
        return 0;
    }
}
