package com.chaojiyuyan.bench;

import java.util.Arrays;

/** {@code bin/bench <benchmark> [options]}. */
public final class BenchMain {
    private BenchMain() {
    }

    public static void main(String[] args) throws Exception {
        if (args.length == 0 || args[0].equals("--help") || args[0].equals("-h")) {
            System.out.println("""
                    usage: bin/bench suite [--quick] [--runs N] [--out FILE] [--docs|--no-docs]
                           bin/bench roundtrip [--db sqlite|postgres|both] [--jobs N] [--warmup N]
                           bin/bench throughput [--db sqlite|postgres|both] [--workers 1,8,64] [--seconds S] [--warmup S]
                           bin/bench idle [--db sqlite|postgres|both] [--waiters N] [--quiet S] [--jobs N]
                           bin/bench statements [--db sqlite|postgres|both] [--jobs N]
                      suite      everything below (but roundtrip), several interleaved runs, against graphile-worker
                                 and pgbench on the same PostgreSQL; prints the markdown section of docs/BENCHMARKS.md,
                                 writes it to bench/target/bench-suite.md and into docs/BENCHMARKS.md (not with
                                 --quick, a smoke run of the same steps, unless --docs). Needs node/npm and pgbench.
                      roundtrip  one worker long-polling; N jobs created one after another; reports the time
                                 from create to the worker holding the lease, and to the submit being accepted.
                      throughput N SDK workers, producers keeping the queue fed: jobs/s and pickup latency.
                      idle       N long-polls waiting on a kernel in its own JVM: its memory, CPU, pickup.
                      statements statements and commits per request, counted in the kernel.
                      PostgreSQL: CHAOJIYUYAN_BENCH_PG (JDBC URL of a database the bench may create databases
                                 from; default jdbc:postgresql://127.0.0.1:5432/postgres?user=postgres).""");
            return;
        }
        String[] rest = Arrays.copyOfRange(args, 1, args.length);
        switch (args[0]) {
            case "roundtrip" -> RoundTrip.main(rest);
            case "throughput" -> Throughput.main(rest);
            case "statements" -> StatementCount.main(rest);
            case "idle" -> IdleCapacity.main(rest);
            case "suite" -> Suite.main(rest);
            default -> {
                System.err.println("bench: unknown benchmark '" + args[0] + "' (try --help)");
                System.exit(2);
            }
        }
    }
}
