package io.flumesentinel.bench;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.LocalDate;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** The table of docs/benchmarks.md as the benchmarks rewrite it: a document in, a document out. */
class BenchTableTest {

  private static final String BEFORE = "# Benchmarks\n\nIntro text | with a pipe.\n\n";
  private static final String AFTER = "\n\nNotes below the table stay.\n";

  private static final String CRASH_OLD =
      "| `CrashLatencyBench` | delete → webhook | p50 2.52 ms | p50 < 3 ms: PASS | 2026-11-22, 2 cores |";
  private static final String STORM_OLD =
      "| `StormBench` | storm | median 525 ms | median < 500 ms: MISS | 2026-11-22, 2 cores |";
  private static final String STARTUP_OLD =
      "| `StartupBench` | start → ready | 1.97 s | ready < 3 s: PASS | 2026-11-22, 2 cores |";

  private static final BenchTable.Row STORM_NEW =
      new BenchTable.Row(
          "StormBench", "storm", "median 480 ms", "median < 500 ms: PASS", "2026-12-01, 4 cores");
  private static final String STORM_NEW_LINE =
      "| `StormBench` | storm | median 480 ms | median < 500 ms: PASS | 2026-12-01, 4 cores |";

  private static final BenchTable.Row HANDOVER_NEW =
      new BenchTable.Row(
          "HandoverBench", "kill → standby", "median 3.5 s", "median < 5 s: PASS", "2026-12-01");
  private static final String HANDOVER_NEW_LINE =
      "| `HandoverBench` | kill → standby | median 3.5 s | median < 5 s: PASS | 2026-12-01 |";

  private static String document(String... rows) {
    return BEFORE + table(rows) + AFTER;
  }

  private static String table(String... rows) {
    StringBuilder table =
        new StringBuilder(BenchTable.START)
            .append('\n')
            .append(BenchTable.HEADER)
            .append('\n')
            .append(BenchTable.SEPARATOR)
            .append('\n');
    for (String row : rows) {
      table.append(row).append('\n');
    }
    return table.append(BenchTable.END).toString();
  }

  static Stream<Arguments> rewrites() {
    return Stream.of(
        Arguments.of(
            "the row of a benchmark that ran is replaced in place; the others stay",
            document(CRASH_OLD, STORM_OLD, STARTUP_OLD),
            List.of(STORM_NEW),
            document(CRASH_OLD, STORM_NEW_LINE, STARTUP_OLD)),
        Arguments.of(
            "a benchmark without a row gets one at the end",
            document(CRASH_OLD, STORM_OLD),
            List.of(HANDOVER_NEW),
            document(CRASH_OLD, STORM_OLD, HANDOVER_NEW_LINE)),
        Arguments.of(
            "several benchmarks of one run, replaced and added",
            document(CRASH_OLD, STORM_OLD, STARTUP_OLD),
            List.of(HANDOVER_NEW, STORM_NEW),
            document(CRASH_OLD, STORM_NEW_LINE, STARTUP_OLD, HANDOVER_NEW_LINE)),
        Arguments.of(
            "no benchmark ran: the table is as it was",
            document(CRASH_OLD, STORM_OLD),
            List.of(),
            document(CRASH_OLD, STORM_OLD)),
        Arguments.of(
            "an empty table between the markers gets its header and the row",
            BEFORE + BenchTable.START + "\n" + BenchTable.END + AFTER,
            List.of(STORM_NEW),
            document(STORM_NEW_LINE)),
        Arguments.of(
            "blank lines and stray text between the markers are dropped, rows kept",
            BEFORE
                + BenchTable.START
                + "\n\nold note\n"
                + BenchTable.HEADER
                + "\n"
                + BenchTable.SEPARATOR
                + "\n"
                + CRASH_OLD
                + "\n\n"
                + BenchTable.END
                + AFTER,
            List.of(STORM_NEW),
            document(CRASH_OLD, STORM_NEW_LINE)),
        Arguments.of(
            "a pipe or a line break in a cell cannot break the table",
            document(CRASH_OLD),
            List.of(
                new BenchTable.Row("StormBench", "a | b", "x\ny", "goal", "2026-12-01, 2 cores")),
            document(CRASH_OLD, "| `StormBench` | a \\| b | x y | goal | 2026-12-01, 2 cores |")),
        Arguments.of(
            "a row whose cells hold escaped pipes is still known by its benchmark",
            document("| `StormBench` | a \\| b | old | goal | 2026-11-22 |", CRASH_OLD),
            List.of(STORM_NEW),
            document(STORM_NEW_LINE, CRASH_OLD)));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("rewrites")
  void rewritesTheTable(
      String description, String document, List<BenchTable.Row> ran, String expected) {
    assertThat(BenchTable.rewrite(document, ran)).isEqualTo(expected);
  }

  static Stream<Arguments> missingTables() {
    return Stream.of(
        Arguments.of("no markers", BEFORE + AFTER),
        Arguments.of("no end marker", BEFORE + BenchTable.START + "\n" + CRASH_OLD + AFTER),
        Arguments.of("the end before the start", BenchTable.END + "\n" + BenchTable.START + "\n"));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("missingTables")
  void aDocumentWithoutTheTableIsRefused(String description, String document) {
    assertThatThrownBy(() -> BenchTable.rewrite(document, List.of(STORM_NEW)))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining(BenchTable.START)
        .hasMessageContaining(BenchTable.END);
  }

  @Test
  void provenanceNamesTheDateTheMachineTheCommitAndTheCommand() {
    LocalDate day = LocalDate.of(2026, 11, 30);
    assertThat(BenchTable.provenance(day, 2, "c0e4e37", "StormBench"))
        .isEqualTo("2026-11-30, 2 cores, commit c0e4e37, `mvn -B -Pbench test -Dtest=StormBench`");
    assertThat(BenchTable.provenance(day, 1, null, "StartupBench"))
        .isEqualTo("2026-11-30, 1 core, `mvn -B -Pbench test -Dtest=StartupBench`");
  }
}
