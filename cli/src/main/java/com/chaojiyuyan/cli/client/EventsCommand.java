package com.chaojiyuyan.cli.client;

import com.chaojiyuyan.cli.console.Console;
import com.chaojiyuyan.cli.console.JsonOption;
import com.chaojiyuyan.cli.console.JsonText;
import com.chaojiyuyan.cli.console.VerboseOption;
import com.chaojiyuyan.sdk.JobEvent;
import com.chaojiyuyan.sdk.KernelClient;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.JsonNodeFactory;
import tools.jackson.databind.node.ObjectNode;

@Command(name = "events", mixinStandardHelpOptions = true,
        description = "A job's history: created, bid_accepted, submitted, settled, ...")
public final class EventsCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Parameters(index = "0", paramLabel = "JOB_ID", description = "The job id (job_...).")
    String jobId;

    @Mixin
    JsonOption output;

    @Mixin
    ClientOptions client;

    @Mixin
    VerboseOption verbose;

    @Override
    public Integer call() {
        Console console = Console.of(spec);
        List<JobEvent> events;
        try (KernelClient kernel = client.profile().client()) {
            events = kernel.events(jobId);
        }
        if (output.json) {
            ObjectNode doc = JsonNodeFactory.instance.objectNode();
            ArrayNode items = doc.putArray("items");
            events.forEach(e -> items.add(e.raw()));
            console.json(doc);
            return 0;
        }
        console.table(List.of("SEQ", "AT", "TYPE", "DATA"), events.stream()
                .map(e -> List.of(Long.toString(e.seq()), JobView.time(e.at()), e.type(),
                        e.data() == null || e.data().isEmpty() ? "" : JsonText.compact(e.data())))
                .toList());
        return 0;
    }
}
