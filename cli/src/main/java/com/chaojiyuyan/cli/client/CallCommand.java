package com.chaojiyuyan.cli.client;

import com.chaojiyuyan.cli.console.CliError;
import com.chaojiyuyan.cli.console.Console;
import com.chaojiyuyan.cli.console.JsonOption;
import com.chaojiyuyan.cli.console.JsonText;
import com.chaojiyuyan.cli.console.Spinner;
import com.chaojiyuyan.cli.console.VerboseOption;
import com.chaojiyuyan.sdk.CallOptions;
import com.chaojiyuyan.sdk.Job;
import com.chaojiyuyan.sdk.JobStatus;
import com.chaojiyuyan.sdk.JobTimeout;
import com.chaojiyuyan.sdk.KernelClient;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;

@Command(name = "call", mixinStandardHelpOptions = true,
        description = {"Call a capability (create a job); --wait follows it to its end.", "",
                "Exit status with --wait: 0 when the job succeeded; 1 when it failed, was cancelled or expired "
                        + "(error code job_failed, job_cancelled, job_expired; the job is still printed) or did not "
                        + "finish within --timeout (job_timeout)."})
public final class CallCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Parameters(index = "0", paramLabel = "CAPABILITY", description = "The capability key, e.g. test.echo.v1.")
    String capability;

    @Option(names = {"-i", "--input"}, paramLabel = "JSON|@FILE|-", defaultValue = "{}",
            description = "The job's input: JSON text, @file to read it from a file, or - to read stdin (default: {}).")
    String input;

    @Option(names = {"-w", "--wait"}, description = "Wait until the job is over and print it.")
    boolean waitForEnd;

    @Option(names = "--timeout", paramLabel = "DURATION", defaultValue = "300", converter = Durations.class,
            description = "How long --wait waits: 90, 90s, 5m, 1h (default: 300 seconds).")
    Duration timeout;

    @Option(names = "--idempotency-key", paramLabel = "KEY",
            description = "Retrying with the same key and input answers the original job instead of creating another.")
    String idempotencyKey;

    @Option(names = "--max-budget", paramLabel = "NC", description = "Credits to hold for the job (default: the capability's price).")
    Long maxBudget;

    @Option(names = "--callback-url", paramLabel = "URL", description = "An http(s) URL that receives the job's settlement webhook.")
    String callbackUrl;

    @Mixin
    JsonOption output;

    @Mixin
    ClientOptions client;

    @Mixin
    VerboseOption verbose;

    @Override
    public Integer call() {
        Console console = Console.of(spec);
        JsonNode payload = readInput(console);
        CallOptions options = CallOptions.none();
        if (idempotencyKey != null) {
            options = options.idempotencyKey(idempotencyKey);
        }
        if (maxBudget != null) {
            options = options.maxBudgetNc(maxBudget);
        }
        if (callbackUrl != null) {
            options = options.callbackUrl(callbackUrl);
        }
        try (KernelClient kernel = client.profile().client()) {
            Job job = kernel.call(capability, payload, options);
            if (!waitForEnd) {
                show(console, job);
                if (!output.json) {
                    console.note("follow it: chaojiyuyan status " + job.id() + "   (or call with --wait)");
                }
                return 0;
            }
            Job done;
            try (Spinner spinner = console.spinner("waiting for " + job.id() + " (" + capability + ")", !output.json)) {
                done = job.isTerminal() ? job : kernel.waitFor(job.id(), timeout);
            } catch (JobTimeout e) {
                show(console, e.lastSeen() != null ? e.lastSeen() : job);
                throw CliError.failure("job_timeout", "job " + job.id() + " did not finish within " + human(timeout)
                        + "; it goes on: chaojiyuyan status " + job.id());
            }
            show(console, done);
            if (done.status() != JobStatus.SUCCEEDED) {
                String why = done.error() == null ? "" : ": " + done.error().code() + ": " + done.error().message();
                throw CliError.failure("job_" + done.status().wire(), "job " + done.id() + " " + done.status().wire() + why);
            }
            return 0;
        }
    }

    private void show(Console console, Job job) {
        if (output.json) {
            console.json(job.raw());
        } else {
            JobView.print(console, job);
        }
    }

    private JsonNode readInput(Console console) {
        String text;
        String from;
        if (input.equals("-")) {
            text = console.readAll();
            from = "stdin";
        } else if (input.startsWith("@")) {
            Path file = Path.of(input.substring(1));
            try {
                text = Files.readString(file, StandardCharsets.UTF_8);
            } catch (IOException e) {
                throw CliError.usage("invalid_input", "cannot read --input file " + file + ": " + e.getClass().getSimpleName());
            }
            from = file.toString();
        } else {
            text = input;
            from = "--input";
        }
        try {
            JsonNode parsed = JsonText.parse(text);
            if (parsed == null || parsed.isMissingNode()) {
                throw CliError.usage("invalid_input", from + " is empty: give the input as JSON, e.g. --input '{\"text\":\"hi\"}'");
            }
            return parsed;
        } catch (JacksonException e) {
            throw CliError.usage("invalid_input", from + " is not JSON: " + e.getOriginalMessage());
        }
    }

    private static String human(Duration d) {
        return d.toSeconds() + " s";
    }
}
