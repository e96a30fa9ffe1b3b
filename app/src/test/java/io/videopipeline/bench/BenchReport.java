package io.videopipeline.bench;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Results of one harness run: every row is a measurement (median and spread) next to its limit measured in the
 * same run, the ratio and whether it meets the target. Written after every section, so a run cut short still
 * leaves what it measured: {@code results.json} (machine-readable) and {@code results.md} (the table).
 */
final class BenchReport {

    /** How the ratio value/limit is judged. */
    enum Target {
        NONE(""), AT_LEAST_0_90("≥ 0.90"), AT_MOST_1_00("≤ 1.00"), AT_MOST_1_10("≤ 1.10"), AT_MOST_1_25("≤ 1.25"),
        AT_MOST_1_30("≤ 1.30"), AT_MOST_2("≤ 2"), INFO("info");

        final String text;

        Target(String text) {
            this.text = text;
        }

        String verdict(Double ratio) {
            if (ratio == null || this == NONE || this == INFO) {
                return "";
            }
            return switch (this) {
                case AT_LEAST_0_90 -> ratio >= 0.90 ? "ok" : "POOR";
                case AT_MOST_1_00 -> ratio <= 1.00 ? "ok" : "POOR";
                case AT_MOST_1_10 -> ratio <= 1.10 ? "ok" : "POOR";
                case AT_MOST_1_25 -> ratio <= 1.25 ? "ok" : "POOR";
                case AT_MOST_1_30 -> ratio <= 1.30 ? "ok" : "POOR";
                case AT_MOST_2 -> ratio <= 2.0 ? "ok" : "POOR";
                default -> "";
            };
        }
    }

    record Row(String section, String measurement, String unit, Stats value, String limitName, Stats limit,
               Double ratio, String target, String verdict, String note) {
    }

    private final List<Row> rows = new ArrayList<>();
    private final Map<String, Object> machine;
    private final Path dir;

    BenchReport(Path dir, Map<String, Object> machine) {
        this.dir = dir;
        this.machine = machine;
    }

    /** Machine facts printed above the table (e.g. the load average at the end). */
    synchronized void fact(String name, Object value) {
        machine.put(name, value);
    }

    synchronized void add(String section, String measurement, String unit, Stats value, String limitName,
                          Stats limit, Target target, String note) {
        Double ratio = limit == null || limit.median() == 0 ? null : value.median() / limit.median();
        rows.add(new Row(section, measurement, unit, value, limitName, limit, ratio, target.text,
                target.verdict(ratio), note));
        System.out.printf("BENCH %-12s %-60s %s %s | limit %s %s | ratio %s %s%n", section, measurement,
                value.show(), unit, limitName, limit == null ? "-" : limit.show(),
                ratio == null ? "-" : String.format("%.2f", ratio), target.verdict(ratio));
    }

    synchronized void info(String section, String measurement, String unit, Stats value, String note) {
        add(section, measurement, unit, value, "", null, Target.NONE, note);
    }

    synchronized void placeholder(String section, String measurement, String note) {
        rows.add(new Row(section, measurement, "", null, "", null, null, "", "n/a", note));
    }

    synchronized void failed(String section, Throwable e) {
        rows.add(new Row(section, "FAILED", "", null, "", null, null, "", "FAILED",
                e.getClass().getSimpleName() + ": " + e.getMessage()));
        e.printStackTrace(System.out);
    }

    /**
     * results.md/.json; a run of some sections only ({@code -Dbench.only=a,b}) writes results-a-b.md/.json so it
     * does not replace a full run's table.
     */
    synchronized void write() throws IOException {
        Files.createDirectories(dir);
        Map<String, Object> json = new LinkedHashMap<>();
        json.put("machine", machine);
        json.put("rows", rows);
        String only = System.getProperty("bench.only", "").trim().replaceAll("[^a-z,]", "");
        String name = only.isEmpty() ? "results" : "results-" + only.replace(',', '-');
        new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT).writeValue(dir.resolve(name + ".json").toFile(), json);
        Files.writeString(dir.resolve(name + ".md"), markdown());
    }

    String markdown() {
        StringBuilder md = new StringBuilder("# video-pipeline benchmarks\n\n");
        machine.forEach((k, v) -> md.append("- ").append(k).append(": ").append(v).append('\n'));
        md.append("\nValues: median (min–max) over the repetitions; one number = one run. Ratio = value ÷ limit"
                + " (medians).\n\n");
        md.append("| section | measurement | value | limit (same run) | ratio | target | verdict | note |\n");
        md.append("| --- | --- | --- | --- | --- | --- | --- | --- |\n");
        for (Row r : rows) {
            md.append("| ").append(r.section()).append(" | ").append(r.measurement()).append(" | ")
                    .append(r.value() == null ? "" : r.value().show() + " " + r.unit()).append(" | ")
                    .append(r.limit() == null ? r.limitName() : r.limitName() + ": " + r.limit().show() + " " + r.unit())
                    .append(" | ").append(r.ratio() == null ? "" : String.format("%.2f", r.ratio())).append(" | ")
                    .append(r.target()).append(" | ").append(r.verdict()).append(" | ")
                    .append(r.note() == null ? "" : r.note().replace("|", "/").replace("\n", " ")).append(" |\n");
        }
        return md.toString();
    }
}
