package com.chaojiyuyan.cli.worker;

import com.chaojiyuyan.cli.client.ClientOptions;
import com.chaojiyuyan.cli.client.Profile;
import com.chaojiyuyan.cli.console.CliError;
import com.chaojiyuyan.cli.console.Console;
import com.chaojiyuyan.cli.console.Endpoint;
import com.chaojiyuyan.cli.console.JsonText;
import com.chaojiyuyan.cli.console.Secrets;
import com.chaojiyuyan.cli.console.VerboseOption;
import com.chaojiyuyan.sdk.worker.TaskContext;
import com.chaojiyuyan.sdk.worker.Worker;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;
import tools.jackson.databind.JsonNode;

@Command(name = "worker", mixinStandardHelpOptions = true,
        description = {"Run the demo echo worker for a capability.", "",
                "It answers every job with {\"echo\": <input>} (the input's \"text\" when it has one, as test.echo.v1 expects).",
                "Real workers write their own handler with the SDK's Worker. Stop with Ctrl-C: running jobs finish "
                        + "(or are handed back) first."})
public final class WorkerCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Parameters(index = "0", paramLabel = "CAPABILITY", description = "The capability to serve, e.g. test.echo.v1.")
    String capability;

    @Option(names = {"-y", "--yes"}, description = "Start without asking for confirmation.")
    boolean yes;

    @Option(names = "--concurrency", paramLabel = "N", defaultValue = "1", description = "Jobs handled at once (default: 1).")
    int concurrency;

    @Mixin
    ClientOptions client;

    @Mixin
    VerboseOption verbose;

    @Override
    public Integer call() {
        Console console = Console.of(spec);
        if (concurrency < 1) {
            throw CliError.usage("invalid_parameter", "--concurrency must be at least 1");
        }
        Profile profile = client.profile();
        String key = profile.requireKey();
        if (!yes && !console.confirm("Serve " + capability + " at " + profile.baseUrl() + " as " + Secrets.mask(key)
                + "? Every job it takes is answered with an echo of its input.")) {
            throw CliError.failure("aborted", "not confirmed; no worker started");
        }
        Worker worker = Worker.builder().apiKey(key).baseUrl(Endpoint.use(profile.baseUrl())).home(profile.home())
                .concurrency(concurrency)
                .handler(capability, task -> echo(console, task))
                .onError((jobId, error) -> console.note("job " + (jobId == null ? "-" : jobId) + ": " + oneLine(error)))
                .build();
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            console.note("stopping: finishing or handing back running jobs...");
            worker.close();
            console.note("worker stopped");
        }, "worker-shutdown"));
        worker.registerHandlers();
        console.note("worker serving " + capability + " at " + profile.baseUrl() + " (concurrency " + concurrency
                + "); stop with Ctrl-C");
        worker.run();
        return 0;
    }

    private static Map<String, JsonNode> echo(Console console, TaskContext task) {
        JsonNode input = task.input();
        JsonNode text = input == null ? null : input.get("text");
        JsonNode echoed = text != null && text.isString() ? text : input == null ? tools.jackson.databind.node.NullNode.getInstance() : input;
        console.println(task.jobId() + " " + task.capabilityKey() + " echo " + JsonText.compact(echoed));
        return java.util.Collections.singletonMap("echo", echoed);
    }

    private static String oneLine(Throwable error) {
        String m = error.getMessage() == null ? error.getClass().getSimpleName() : error.getMessage();
        return m.replace('\n', ' ');
    }
}
