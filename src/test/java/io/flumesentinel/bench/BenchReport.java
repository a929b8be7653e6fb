package io.flumesentinel.bench;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.TimeUnit;
import java.util.function.ToLongFunction;

/**
 * Prints benchmark figures as lines starting with {@code BENCH}, to stdout (surefire keeps it in
 * {@code target/surefire-reports/*-output.txt}) and appended to {@code target/bench-results.txt},
 * where they are easy to find, and writes each benchmark's row of the table in {@code
 * docs/benchmarks.md} ({@link BenchTable}), so the published figures are the measured ones. A goal
 * is reported as PASS or MISS next to its figure, never as a failure.
 */
final class BenchReport {

  private static final Path BASEDIR = Path.of(System.getProperty("basedir", "."));
  private static final Path RESULTS = BASEDIR.resolve("target").resolve("bench-results.txt");
  private static final Path TABLE = BASEDIR.resolve("docs").resolve("benchmarks.md");

  private final String bench;
  private final Class<?> benchClass;

  /**
   * @param bench the short name that prefixes this benchmark's lines
   * @param benchClass the benchmark, which names its row of the table
   */
  BenchReport(String bench, Class<?> benchClass) {
    this.bench = bench;
    this.benchClass = benchClass;
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

  /**
   * Replaces this benchmark's row of the table in {@code docs/benchmarks.md} with the figures just
   * measured, stamped with today's date, this machine's cores, the commit and the command that
   * measures it. A missing file or table is reported on a line of its own, not as a failure: the
   * figures are in the report anyway.
   */
  void tableRow(String measures, String figures, String goal) {
    String name = benchClass.getSimpleName();
    BenchTable.Row row =
        new BenchTable.Row(
            name,
            measures,
            figures,
            goal,
            BenchTable.provenance(
                LocalDate.now(ZoneOffset.UTC),
                Runtime.getRuntime().availableProcessors(),
                commit(),
                name));
    synchronized (BenchReport.class) {
      try {
        String document = Files.readString(TABLE, StandardCharsets.UTF_8);
        Files.writeString(
            TABLE, BenchTable.rewrite(document, List.of(row)), StandardCharsets.UTF_8);
        line("table row written to " + TABLE);
      } catch (IOException | IllegalArgumentException e) {
        line("table row not written to " + TABLE + ": " + e.getMessage());
      }
    }
  }

  /**
   * The commit measured, {@code git describe --always --dirty} (so {@code c0e4e37-dirty} for a tree
   * with changes), or {@code null} outside a git checkout.
   */
  private static String commit() {
    try {
      Process git =
          new ProcessBuilder("git", "describe", "--always", "--dirty")
              .directory(BASEDIR.toFile())
              .redirectErrorStream(true)
              .start();
      String out = new String(git.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip();
      return git.waitFor(10, TimeUnit.SECONDS) && git.exitValue() == 0 ? out : null;
    } catch (IOException e) {
      return null;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return null;
    }
  }

  /** {@code value} with {@code decimals} decimals, whatever the locale: {@code 2.52}. */
  static String fixed(double value, int decimals) {
    return String.format(Locale.ROOT, "%." + decimals + "f", value);
  }

  /** One goal for the table: {@code p50 < 3 ms: PASS}. */
  static String goalCell(String figure, double value, double below, String unit) {
    return figure
        + " < "
        // 2.5 stays 2.5 (a fixed "%.0f" printed it as 3); 500.0 is 500
        + BigDecimal.valueOf(below).stripTrailingZeros().toPlainString()
        + " "
        + unit
        + ": "
        + (value < below ? "PASS" : "MISS");
  }

  static String ms(double millis) {
    return String.format(Locale.ROOT, "%.2f", millis);
  }

  static double ms(long nanos) {
    return nanos / 1_000_000.0;
  }

  /** Latencies in milliseconds, as the table shows them. */
  record Percentiles(double p50, double p90, double p99, double max) {

    /** {@code p50 2.52 ms, p90 6.42 ms, p99 12.89 ms, max 20.31 ms}. */
    String figures() {
      return "p50 "
          + ms(p50)
          + " ms, p90 "
          + ms(p90)
          + " ms, p99 "
          + ms(p99)
          + " ms, max "
          + ms(max)
          + " ms";
    }

    /** {@code p50 < 3 ms: PASS; p99 < 15 ms: PASS}. */
    String goals(double p50Goal, double p99Goal) {
      return goalCell("p50", p50, p50Goal, "ms") + "; " + goalCell("p99", p99, p99Goal, "ms");
    }
  }

  /**
   * Reports latencies in milliseconds (any order): count, p50, p90, p99 and max after {@code
   * prefix}, then the p50 and p99 goals; returns them for the table.
   */
  Percentiles latencies(String prefix, double[] millis, double p50Goal, double p99Goal) {
    Percentiles percentiles = spread(prefix, millis);
    line(
        goal("p50", percentiles.p50(), p50Goal, "ms")
            + "; "
            + goal("p99", percentiles.p99(), p99Goal, "ms"));
    return percentiles;
  }

  /**
   * Reports latencies in milliseconds (any order) with no goal: count, p50, p90, p99 and max after
   * {@code prefix}.
   */
  Percentiles spread(String prefix, double[] millis) {
    double[] sorted = millis.clone();
    Arrays.sort(sorted);
    Percentiles percentiles =
        new Percentiles(
            percentile(sorted, 50),
            percentile(sorted, 90),
            percentile(sorted, 99),
            sorted[sorted.length - 1]);
    line(
        prefix
            + " count="
            + sorted.length
            + " p50="
            + ms(percentiles.p50())
            + "ms p90="
            + ms(percentiles.p90())
            + "ms p99="
            + ms(percentiles.p99())
            + "ms max="
            + ms(percentiles.max())
            + "ms");
    return percentiles;
  }

  /**
   * Reports single crashes measured beside a {@link DeletionFloor}: their latencies against the p50
   * and p99 goals, the two floors of the same crashes ({@code notifiedName}: until the bare client
   * was notified; then until its fence was answered) and the monitor's part beyond the second,
   * crash by crash; and writes the table row, the floors beside the figures.
   */
  void singleCrashes(
      String prefix,
      String measures,
      List<DeletionFloor.Crash> crashes,
      String notifiedName,
      double p50Goal,
      double p99Goal) {
    double[] latencies = millis(crashes, DeletionFloor.Crash::toWebhook);
    double[] fenced = millis(crashes, DeletionFloor.Crash::toFenced);
    double[] added = new double[latencies.length];
    for (int i = 0; i < added.length; i++) {
      added[i] = latencies[i] - fenced[i];
    }
    Percentiles total = latencies(prefix, latencies, p50Goal, p99Goal);
    String beside =
        inWords(notifiedName, millis(crashes, DeletionFloor.Crash::toNotified))
            + "; "
            + inWords("and its fence answered", fenced)
            + "; "
            + inWords("the monitor's part beyond that", added);
    tableRow(measures, total.figures() + "; " + beside, total.goals(p50Goal, p99Goal));
  }

  private static double[] millis(
      List<DeletionFloor.Crash> crashes, ToLongFunction<DeletionFloor.Crash> nanos) {
    return crashes.stream().mapToLong(nanos).mapToDouble(BenchReport::ms).toArray();
  }

  /** Reports {@code millis} as {@link #spread} does, and returns its p50 and p99 in words. */
  private String inWords(String name, double[] millis) {
    Percentiles each = spread(name, millis);
    return name + " p50 " + ms(each.p50()) + " ms, p99 " + ms(each.p99()) + " ms";
  }

  /**
   * {@code PASS} or {@code MISS}, with the goal spelled out, e.g. {@code goal p50 < 3 ms: PASS}.
   */
  static String goal(String figure, double value, double below, String unit) {
    return "goal " + goalCell(figure, value, below, unit);
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
