package dev.usersapi.bench;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/** Min, median, p99 and max of a sample. */
record Stats(int count, double min, double median, double p99, double max) {
    static Stats of(List<Double> values) {
        List<Double> sorted = new ArrayList<>(values);
        Collections.sort(sorted);
        int n = sorted.size();
        return new Stats(n, sorted.get(0), n % 2 == 1 ? sorted.get(n / 2) : (sorted.get(n / 2 - 1) + sorted.get(n / 2)) / 2,
                sorted.get(Math.min(n - 1, (int) Math.ceil(n * 0.99) - 1)), sorted.get(n - 1));
    }

    @Override
    public String toString() {
        return String.format("median %.1f (min %.1f, p99 %.1f, max %.1f, n=%d)", median, min, p99, max, count);
    }
}
