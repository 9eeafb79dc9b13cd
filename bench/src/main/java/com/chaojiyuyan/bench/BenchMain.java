package com.chaojiyuyan.bench;

import java.util.Arrays;

/** {@code bin/bench <benchmark> [options]}. */
public final class BenchMain {
    private BenchMain() {
    }

    public static void main(String[] args) throws Exception {
        if (args.length == 0 || args[0].equals("--help") || args[0].equals("-h")) {
            System.out.println("""
                    usage: bin/bench roundtrip [--db sqlite|postgres|both] [--jobs N] [--warmup N]
                      roundtrip  one worker long-polling; N jobs created one after another; reports the time
                                 from create to the worker holding the lease, and to the submit being accepted.
                      PostgreSQL: CHAOJIYUYAN_BENCH_PG (JDBC URL of a database the bench may create databases
                                 from; default jdbc:postgresql://127.0.0.1:5432/postgres?user=postgres).""");
            return;
        }
        String[] rest = Arrays.copyOfRange(args, 1, args.length);
        switch (args[0]) {
            case "roundtrip" -> RoundTrip.main(rest);
            case "throughput" -> Throughput.main(rest);
            case "statements" -> StatementCount.main(rest);
            default -> {
                System.err.println("bench: unknown benchmark '" + args[0] + "' (try --help)");
                System.exit(2);
            }
        }
    }
}
