package com.chaojiyuyan.cli.client;

import com.chaojiyuyan.cli.console.Console;
import com.chaojiyuyan.cli.console.JsonOption;
import com.chaojiyuyan.cli.console.VerboseOption;
import com.chaojiyuyan.sdk.Job;
import com.chaojiyuyan.sdk.KernelClient;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

@Command(name = "cancel", mixinStandardHelpOptions = true,
        description = "Cancel a queued or running job.")
public final class CancelCommand implements Callable<Integer> {
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
        try (KernelClient kernel = client.profile().client()) {
            Job job = kernel.cancel(jobId);
            if (output.json) {
                console.json(job.raw());
            } else {
                console.println(job.id() + " " + console.status(job.status().wire()));
            }
        }
        return 0;
    }
}
