package io.videopipeline.bench;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/** Median and spread of repeated measurements (nearest-rank percentiles; with one sample all equal it). */
record Stats(int n, double median, double min, double max, double p10, double p90, List<Double> samples) {

    static Stats of(List<Double> values) {
        if (values.isEmpty()) {
            throw new IllegalArgumentException("no samples");
        }
        List<Double> sorted = new ArrayList<>(values);
        Collections.sort(sorted);
        int n = sorted.size();
        double median = n % 2 == 1 ? sorted.get(n / 2) : (sorted.get(n / 2 - 1) + sorted.get(n / 2)) / 2;
        return new Stats(n, median, sorted.get(0), sorted.get(n - 1), rank(sorted, 0.10), rank(sorted, 0.90),
                List.copyOf(values));
    }

    static Stats of(double... values) {
        List<Double> list = new ArrayList<>();
        for (double v : values) {
            list.add(v);
        }
        return of(list);
    }

    private static double rank(List<Double> sorted, double q) {
        int i = (int) Math.ceil(q * sorted.size()) - 1;
        return sorted.get(Math.max(0, Math.min(sorted.size() - 1, i)));
    }

    /** "12.3 (11.9–13.0)" with the number of significant digits a human wants. */
    String show() {
        return n == 1 ? fmt(median) : fmt(median) + " (" + fmt(min) + "–" + fmt(max) + ")";
    }

    static String fmt(double v) {
        double a = Math.abs(v);
        if (a >= 1000) {
            return String.format("%,.0f", v);
        }
        if (a >= 100) {
            return String.format("%.0f", v);
        }
        if (a >= 10) {
            return String.format("%.1f", v);
        }
        if (a >= 1) {
            return String.format("%.2f", v);
        }
        return String.format("%.3f", v);
    }
}
