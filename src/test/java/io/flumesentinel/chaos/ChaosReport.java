package io.flumesentinel.chaos;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The one line a chaos scenario prints: {@code CHAOS <scenario> <name>=<value>... PASS}, or {@code
 * ... FAIL <why>}, to stdout (failsafe keeps it in {@code target/failsafe-reports/*-output.txt})
 * and appended to {@code target/chaos-results.txt}, where the lines of one run are found together.
 * A failed scenario also keeps the logs of the processes it ran under {@code
 * target/chaos-logs/<scenario>/}; its temporary directories are removed anyway.
 */
final class ChaosReport {

  /** What a scenario does; it notes figures on the report as it measures them. */
  @FunctionalInterface
  interface Body {
    void run(ChaosReport report) throws Exception;
  }

  private static final Path TARGET = Path.of(System.getProperty("basedir", ".")).resolve("target");
  private static final Path RESULTS = TARGET.resolve("chaos-results.txt");
  private static final int MAX_REASON_CHARS = 300;

  private final String scenario;
  private final Map<String, String> figures = new LinkedHashMap<>();
  private final List<Path> logs = new ArrayList<>();

  private ChaosReport(String scenario) {
    this.scenario = scenario;
  }

  /**
   * Runs {@code body} and prints the scenario's line: PASS when it returns, FAIL with the reason
   * when it throws, and then rethrows, so the test fails too.
   */
  static void run(String scenario, Body body) throws Exception {
    ChaosReport report = new ChaosReport(scenario);
    try {
      body.run(report);
    } catch (Exception | AssertionError e) {
      report.print("FAIL " + reason(e));
      report.keepLogs();
      throw e;
    }
    report.print("PASS");
  }

  /** Notes a figure, printed in the order noted; noting a name again replaces its value. */
  synchronized void figure(String name, Object value) {
    figures.put(name, String.valueOf(value));
  }

  /** Notes a duration in milliseconds, e.g. {@code ready=1234ms}. */
  void millis(String name, double millis) {
    figure(name, String.format(Locale.ROOT, "%.0fms", millis));
  }

  /** Notes a size in megabytes, e.g. {@code heap=28.4MB}. */
  void megabytes(String name, double megabytes) {
    figure(name, String.format(Locale.ROOT, "%.1fMB", megabytes));
  }

  /** A log to keep under {@code target/chaos-logs/<scenario>/} should the scenario fail. */
  synchronized void logOnFailure(Path log) {
    logs.add(log);
  }

  private synchronized void print(String outcome) {
    StringBuilder line = new StringBuilder("CHAOS ").append(scenario);
    figures.forEach((name, value) -> line.append(' ').append(name).append('=').append(value));
    line.append(' ').append(outcome);
    System.out.println(line);
    try {
      Files.createDirectories(TARGET);
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

  private synchronized void keepLogs() {
    Path kept = TARGET.resolve("chaos-logs").resolve(scenario);
    for (Path log : logs) {
      try {
        if (Files.exists(log)) {
          Files.createDirectories(kept);
          Files.copy(log, kept.resolve(log.getFileName()), StandardCopyOption.REPLACE_EXISTING);
        }
      } catch (IOException e) {
        System.out.println("CHAOS " + scenario + " could not keep " + log + ": " + e);
      }
    }
    if (!logs.isEmpty()) {
      System.out.println("CHAOS " + scenario + " logs kept in " + kept);
    }
  }

  /** The failure on one line, shortened: the line must stay readable among the others. */
  private static String reason(Throwable e) {
    String message = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
    String oneLine = message.replaceAll("\\s+", " ").strip();
    return oneLine.length() <= MAX_REASON_CHARS
        ? oneLine
        : oneLine.substring(0, MAX_REASON_CHARS) + "…";
  }
}
