package com.chaojiyuyan.bench;

import java.util.Arrays;

/** Quantiles of one set of latencies, in milliseconds. */
record Latencies(int count, double p50, double p90, double p99, double max) {
    static final Latencies NONE = new Latencies(0, Double.NaN, Double.NaN, Double.NaN, Double.NaN);

    static Latencies of(double[] ms) {
        if (ms.length == 0) {
            return NONE;
        }
        double[] sorted = ms.clone();
        Arrays.sort(sorted);
        return new Latencies(sorted.length, at(sorted, 0.50), at(sorted, 0.90), at(sorted, 0.99), sorted[sorted.length - 1]);
    }

    /** The nearest-rank quantile: the smallest value with at least q of the values at or below it. */
    private static double at(double[] sorted, double q) {
        int rank = (int) Math.ceil(q * sorted.length);
        return sorted[Math.max(0, Math.min(sorted.length - 1, rank - 1))];
    }
}
