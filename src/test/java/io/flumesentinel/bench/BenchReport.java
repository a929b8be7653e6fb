package io.flumesentinel.bench;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Instant;
import java.util.Arrays;
import java.util.Locale;

/**
 * Prints benchmark figures as lines starting with {@code BENCH}, to stdout (surefire keeps it in
 * {@code target/surefire-reports/*-output.txt}) and appended to {@code target/bench-results.txt},
 * where they are easy to find. A goal is reported as PASS or MISS next to its figure, never as a
 * failure.
 */
final class BenchReport {

  private static final Path RESULTS =
      Path.of(System.getProperty("basedir", "."), "target", "bench-results.txt");

  private final String bench;

  BenchReport(String bench) {
    this.bench = bench;
    line("started " + Instant.now() + ", " + Runtime.getRuntime().availableProcessors() + " CPUs");
  }

  synchronized void line(String text) {
    String line = "BENCH " + bench + " " + text;
    System.out.println(line);
    try {
      Files.createDirectories(RESULTS.getParent());
      Files.writeString(
          RESULTS,
          line + System.lineSeparator(),
          StandardCharsets.UTF_8,
          StandardOpenOption.CREATE,
          StandardOpenOption.APPEND);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  static String ms(double millis) {
    return String.format(Locale.ROOT, "%.2f", millis);
  }

  static double ms(long nanos) {
    return nanos / 1_000_000.0;
  }

  /**
   * {@code PASS} or {@code MISS}, with the goal spelled out, e.g. {@code goal p50 < 3 ms: PASS}.
   */
  /**
   * Reports latencies in milliseconds (any order): count, p50, p90, p99 and max after {@code
   * prefix}, then the p50 and p99 goals.
   */
  void latencies(String prefix, double[] millis, double p50Goal, double p99Goal) {
    double[] sorted = millis.clone();
    java.util.Arrays.sort(sorted);
    double p50 = percentile(sorted, 50);
    double p99 = percentile(sorted, 99);
    line(
        prefix
            + " count="
            + sorted.length
            + " p50="
            + ms(p50)
            + "ms p90="
            + ms(percentile(sorted, 90))
            + "ms p99="
            + ms(p99)
            + "ms max="
            + ms(sorted[sorted.length - 1])
            + "ms");
    line(goal("p50", p50, p50Goal, "ms") + "; " + goal("p99", p99, p99Goal, "ms"));
  }

  static String goal(String figure, double value, double below, String unit) {
    return "goal "
        + figure
        + " < "
        + String.format(Locale.ROOT, "%.0f", below)
        + " "
        + unit
        + ": "
        + (value < below ? "PASS" : "MISS");
  }

  /** Nearest-rank percentile of already sorted values. */
  static double percentile(double[] sorted, double p) {
    int rank = (int) Math.ceil(p / 100.0 * sorted.length);
    return sorted[Math.max(0, Math.min(sorted.length - 1, rank - 1))];
  }

  static double median(double[] values) {
    double[] sorted = values.clone();
    Arrays.sort(sorted);
    return percentile(sorted, 50);
  }
}
