package io.flumesentinel.bench;

import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;

/**
 * The benchmark table of {@code docs/benchmarks.md}: one markdown row per benchmark, between the
 * lines {@value #START} and {@value #END}.
 *
 * <p>{@link #rewrite} replaces the rows of the benchmarks that ran and keeps every other row as it
 * is, in place, so the table always holds each benchmark's latest figures, each with when, on what
 * machine and by which command they were measured. A benchmark without a row yet gets one at the
 * end. Text outside the markers is never touched. Pure: a document in, a document out.
 */
final class BenchTable {

  static final String START = "<!-- bench-table:start -->";
  static final String END = "<!-- bench-table:end -->";
  static final String HEADER = "| benchmark | what is measured | figures | goal | measured |";
  static final String SEPARATOR = "|---|---|---|---|---|";

  /** A cell boundary: a pipe that markdown does not read as text ({@code \|} is text). */
  private static final Pattern CELL_BOUNDARY = Pattern.compile("(?<!\\\\)\\|");

  private static final Pattern SEPARATOR_LINE = Pattern.compile("\\|[\\s:|-]*");

  private BenchTable() {}

  /**
   * One benchmark's row.
   *
   * @param bench the benchmark's class name, which keys the row
   * @param measures what the benchmark measures, in a phrase
   * @param figures what it measured
   * @param goal its goals, each with PASS or MISS
   * @param measured when, on what machine and by which command (see {@link #provenance})
   */
  record Row(String bench, String measures, String figures, String goal, String measured) {

    String markdown() {
      return "| `"
          + cell(bench)
          + "` | "
          + cell(measures)
          + " | "
          + cell(figures)
          + " | "
          + cell(goal)
          + " | "
          + cell(measured)
          + " |";
    }

    private static String cell(String text) {
      return text.replace("\r", "").replace("\n", " ").replace("|", "\\|").strip();
    }
  }

  /**
   * Where the figures of {@code bench} come from: {@code 2026-11-30, 2 cores, commit c0e4e37, `mvn
   * -B -Pbench test -Dtest=StormBench`}; the commit is left out when it is not known.
   */
  static String provenance(LocalDate date, int cores, String commit, String bench) {
    return date
        + ", "
        + cores
        + (cores == 1 ? " core" : " cores")
        + (commit == null || commit.isBlank() ? "" : ", commit " + commit.strip())
        + (bench.endsWith("IT")
            // black-box benchmarks run against the fat jar, after it is built
            ? ", `mvn -B -Pbench verify -Dtest=NONE -Dsurefire.failIfNoSpecifiedTests=false -Dit.test="
            : ", `mvn -B -Pbench test -Dtest=")
        + bench
        + "`";
  }

  /**
   * The document with the table between the markers rewritten: each row of {@code ran} replaces the
   * row of the same benchmark, or is added at the end; the other rows stay as they were.
   *
   * @throws IllegalArgumentException when the document has no {@value #START} followed by {@value
   *     #END}
   */
  static String rewrite(String document, List<Row> ran) {
    int start = document.indexOf(START);
    int end = start < 0 ? -1 : document.indexOf(END, start + START.length());
    if (start < 0 || end < 0) {
      throw new IllegalArgumentException(
          "no benchmark table: expected a line " + START + " and, after it, a line " + END);
    }
    List<String> keys = new ArrayList<>();
    List<String> rows = new ArrayList<>();
    String table = document.substring(start + START.length(), end);
    for (String line : table.split("\n", -1)) {
      String row = line.strip();
      if (row.startsWith("|") && !row.equals(HEADER) && !SEPARATOR_LINE.matcher(row).matches()) {
        keys.add(benchOf(row));
        rows.add(row);
      }
    }
    for (Row row : ran) {
      int at = keys.indexOf(row.bench());
      if (at < 0) {
        keys.add(row.bench());
        rows.add(row.markdown());
      } else {
        rows.set(at, row.markdown());
      }
    }
    List<String> lines = new ArrayList<>();
    lines.add(START);
    lines.add(HEADER);
    lines.add(SEPARATOR);
    lines.addAll(rows);
    return document.substring(0, start) + String.join("\n", lines) + "\n" + document.substring(end);
  }

  /** The benchmark a row is about: its first cell, without the code quotes. */
  private static String benchOf(String row) {
    String[] cells = CELL_BOUNDARY.split(row, -1);
    return cells.length < 2 ? row : cells[1].strip().replace("`", "");
  }
}
