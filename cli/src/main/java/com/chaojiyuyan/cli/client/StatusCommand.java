package com.chaojiyuyan.cli.client;

import com.chaojiyuyan.cli.admin.OwnerSession;
import com.chaojiyuyan.cli.console.CliError;
import com.chaojiyuyan.cli.console.Console;
import com.chaojiyuyan.cli.console.JsonOption;
import com.chaojiyuyan.cli.console.Secrets;
import com.chaojiyuyan.cli.console.VerboseOption;
import com.chaojiyuyan.sdk.Credentials;
import com.chaojiyuyan.sdk.Job;
import com.chaojiyuyan.sdk.KernelClient;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;
import tools.jackson.databind.node.JsonNodeFactory;
import tools.jackson.databind.node.ObjectNode;

@Command(name = "status", mixinStandardHelpOptions = true,
        description = {"Show this machine's profile, or a job.", "",
                "Without JOB_ID: the masked key, the base URL, where each comes from, and the owner session; "
                        + "exit 1 when no key is configured. With JOB_ID: that job."})
public final class StatusCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Parameters(index = "0", arity = "0..1", paramLabel = "JOB_ID", description = "A job id (job_...).")
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
        Profile profile = client.profile();
        if (jobId != null) {
            try (KernelClient kernel = profile.client()) {
                Job job = kernel.getJob(jobId);
                if (output.json) {
                    console.json(job.raw());
                } else {
                    JobView.print(console, job);
                }
            }
            return 0;
        }
        Optional<OwnerSession> session = OwnerSession.read();
        if (output.json) {
            ObjectNode doc = JsonNodeFactory.instance.objectNode();
            doc.put("api_key", Secrets.mask(profile.apiKey()));
            doc.put("api_key_source", profile.keySource());
            doc.put("base_url", profile.baseUrl());
            doc.put("base_url_source", profile.baseUrlSource());
            doc.put("credentials_file", Credentials.file(profile.home()).toString());
            if (session.isPresent()) {
                ObjectNode s = doc.putObject("owner_session");
                s.put("email", session.get().email());
                s.put("base_url", session.get().baseUrl());
                s.put("expires_at", session.get().expiresAt());
            } else {
                doc.putNull("owner_session");
            }
            console.json(doc);
        } else {
            List<String[]> f = new ArrayList<>();
            f.add(new String[] {"api key", profile.apiKey() == null ? "none" : Secrets.mask(profile.apiKey()) + "  (" + profile.keySource() + ")"});
            f.add(new String[] {"base url", profile.baseUrl() + "  (" + profile.baseUrlSource() + ")"});
            f.add(new String[] {"owner session", session.map(s -> s.email() + " at " + s.baseUrl() + ", expires " + s.expiresAt())
                    .orElse("none (chaojiyuyan login)")});
            console.fields(f);
        }
        if (profile.apiKey() == null) {
            throw CliError.failure("not_connected", "no API key: run 'chaojiyuyan connect', or set CHAOJIYUYAN_API_KEY");
        }
        return 0;
    }
}
