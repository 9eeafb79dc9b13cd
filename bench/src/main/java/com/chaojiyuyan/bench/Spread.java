package com.chaojiyuyan.bench;

import java.util.Arrays;
import java.util.List;
import java.util.function.ToDoubleFunction;

/** One figure over several runs: the median, with the lowest and highest run beside it. */
record Spread(double median, double min, double max, int runs) {

    static <T> Spread of(List<T> runs, ToDoubleFunction<T> figure) {
        double[] values = runs.stream().mapToDouble(figure).filter(v -> !Double.isNaN(v)).sorted().toArray();
        if (values.length == 0) {
            return new Spread(Double.NaN, Double.NaN, Double.NaN, 0);
        }
        int n = values.length;
        double median = n % 2 == 1 ? values[n / 2] : (values[n / 2 - 1] + values[n / 2]) / 2;
        return new Spread(median, values[0], values[n - 1], n);
    }

    static Spread of(double... values) {
        return of(Arrays.stream(values).boxed().toList(), Double::doubleValue);
    }

    /** "**1,234** (1,100–1,300)"; just the value for a single run. */
    String format(String unitFormat) {
        if (runs == 0) {
            return "–";
        }
        String m = String.format(unitFormat, median);
        return runs == 1 ? m : m + " (" + String.format(unitFormat, min) + "–" + String.format(unitFormat, max) + ")";
    }

    String bold(String unitFormat) {
        if (runs == 0) {
            return "–";
        }
        String m = "**" + String.format(unitFormat, median) + "**";
        return runs == 1 ? m : m + " (" + String.format(unitFormat, min) + "–" + String.format(unitFormat, max) + ")";
    }
}
