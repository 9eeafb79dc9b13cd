package com.chaojiyuyan.cli.client;

import com.chaojiyuyan.cli.console.Console;
import com.chaojiyuyan.cli.console.JsonText;
import com.chaojiyuyan.sdk.Job;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/** How a job reads for people: its fields, then its output (or error). */
final class JobView {
    private JobView() {
    }

    static void print(Console console, Job job) {
        List<String[]> f = new ArrayList<>();
        f.add(new String[] {"id", job.id()});
        f.add(new String[] {"capability", job.capabilityKey()});
        f.add(new String[] {"status", console.status(job.status().wire())});
        f.add(new String[] {"attempt", job.attempt() + "/" + job.maxAttempts()});
        f.add(new String[] {"created", time(job.createdAt())});
        if (job.finishedAt() != null) {
            f.add(new String[] {"finished", time(job.finishedAt())});
        } else {
            f.add(new String[] {"expires", time(job.expiresAt())});
        }
        f.add(new String[] {"budget", job.maxBudgetNc() + " nc"});
        if (job.costNc() != null) {
            f.add(new String[] {"cost", job.costNc() + " nc"});
        }
        if (job.idempotencyKey() != null) {
            f.add(new String[] {"idempotency key", job.idempotencyKey()});
        }
        if (job.error() != null) {
            f.add(new String[] {"error", job.error().code() + ": " + job.error().message()});
        }
        console.fields(f);
        if (job.output() != null) {
            console.println("output:");
            console.println(JsonText.pretty(job.output()).indent(2).stripTrailing());
        }
    }

    static List<String> row(Console console, Job job) {
        return List.of(job.id(), console.status(job.status().wire()), job.capabilityKey(), time(job.createdAt()),
                job.costNc() == null ? "" : job.costNc() + " nc");
    }

    static final List<String> HEADERS = List.of("ID", "STATUS", "CAPABILITY", "CREATED", "COST");

    static String time(Instant t) {
        return t == null ? null : t.toString();
    }
}
