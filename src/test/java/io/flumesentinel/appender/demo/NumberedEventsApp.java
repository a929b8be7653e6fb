package io.flumesentinel.appender.demo;

import ch.qos.logback.classic.LoggerContext;
import java.lang.management.ManagementFactory;
import javax.management.MBeanServer;
import javax.management.ObjectName;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A small application for the end-to-end tests, run in a JVM of its own whose class path holds only
 * this class, SLF4J, Logback and {@code flume-sentinel-appender.jar}: it logs {@code count}
 * numbered events ({@code event 1}, …) at {@code perSecond}, prints {@code LOGGED n
 * active=HOST:PORT} every 100 events (the agent then active, from JMX), stops Logback (the appender
 * flushes), and prints the longest logging call (after the first 100, which load classes) and the
 * appender's counters as read over JMX.
 *
 * <p>Arguments: count, perSecond, appender name, and optionally a file: the application then stops
 * early once that file exists (looked for every 100 events), and says how many it logged ({@code
 * logged=} in the last line).
 */
public final class NumberedEventsApp {

  private NumberedEventsApp() {}

  public static void main(String[] args) throws Exception {
    int count = Integer.parseInt(args[0]);
    int perSecond = Integer.parseInt(args[1]);
    String appender = args[2];
    Logger log = LoggerFactory.getLogger("demo.numbered");
    MBeanServer server = ManagementFactory.getPlatformMBeanServer();
    ObjectName name =
        new ObjectName(
            "io.flumesentinel.appender:type=FlumeAppender,name=" + ObjectName.quote(appender));
    long first = 0;
    long intervalNanos = 1_000_000_000L / perSecond;
    long start = System.nanoTime();
    long longest = 0;
    long[] calls = new long[count];
    java.nio.file.Path stopFile = args.length > 3 ? java.nio.file.Path.of(args[3]) : null;
    int logged = 0;
    for (int i = 1; i <= count; i++) {
      if (stopFile != null && i % 100 == 1 && java.nio.file.Files.exists(stopFile)) {
        break;
      }
      logged = i;
      long due = start + (i - 1) * intervalNanos;
      while (System.nanoTime() < due) {
        Thread.onSpinWait();
      }
      long before = System.nanoTime();
      log.info("event {}", i);
      long took = System.nanoTime() - before;
      calls[i - 1] = took;
      if (i <= 100) {
        first = Math.max(first, took);
      } else {
        longest = Math.max(longest, took);
      }
      if (i % 100 == 0) {
        System.out.println("LOGGED " + i + " active=" + server.getAttribute(name, "ActiveAgent"));
      }
    }
    long dropped = (Long) server.getAttribute(name, "EventsDropped");
    long failovers = (Long) server.getAttribute(name, "Failovers");
    ((LoggerContext) LoggerFactory.getILoggerFactory()).stop();
    calls = java.util.Arrays.copyOf(calls, logged);
    System.out.println(
        "STATS logged="
            + logged
            + " dropped="
            + dropped
            + " failovers="
            + failovers
            + " p99CallMicros="
            + percentile(calls, 0.99) / 1000
            + " longestCallMicros="
            + longest / 1000
            + " longestOfFirst100Micros="
            + first / 1000);
  }

  /** The {@code fraction} percentile of the calls after the first 100 (class loading). */
  static long percentile(long[] calls, double fraction) {
    long[] sorted = java.util.Arrays.copyOfRange(calls, Math.min(100, calls.length), calls.length);
    java.util.Arrays.sort(sorted);
    return sorted.length == 0
        ? 0
        : sorted[(int) Math.min(sorted.length - 1, sorted.length * fraction)];
  }
}
