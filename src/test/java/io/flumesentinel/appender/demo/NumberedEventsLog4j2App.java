package io.flumesentinel.appender.demo;

import java.lang.management.ManagementFactory;
import javax.management.MBeanServer;
import javax.management.ObjectName;
import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.Logger;

/**
 * {@link NumberedEventsApp} through Log4j2: the class path holds only this class, log4j-api,
 * log4j-core and {@code flume-sentinel-appender.jar}. Every 100 events it prints {@code LOGGED n
 * active=HOST:PORT spoolBytes=N}; at the end the counters and the largest spool it saw.
 *
 * <p>Arguments: count, perSecond, appender name.
 */
public final class NumberedEventsLog4j2App {

  private NumberedEventsLog4j2App() {}

  public static void main(String[] args) throws Exception {
    int count = Integer.parseInt(args[0]);
    int perSecond = Integer.parseInt(args[1]);
    String appender = args[2];
    Logger log = LogManager.getLogger("demo.numbered");
    MBeanServer server = ManagementFactory.getPlatformMBeanServer();
    ObjectName name =
        new ObjectName(
            "io.flumesentinel.appender:type=FlumeAppender,name=" + ObjectName.quote(appender));
    long intervalNanos = 1_000_000_000L / perSecond;
    long start = System.nanoTime();
    long longest = 0;
    long[] calls = new long[count];
    long largestSpool = 0;
    for (int i = 1; i <= count; i++) {
      long due = start + (i - 1) * intervalNanos;
      while (System.nanoTime() < due) {
        Thread.onSpinWait();
      }
      long before = System.nanoTime();
      log.info("event {}", i);
      long took = System.nanoTime() - before;
      calls[i - 1] = took;
      if (i > 100) {
        longest = Math.max(longest, took);
      }
      long spool = (Long) server.getAttribute(name, "SpoolBytes");
      largestSpool = Math.max(largestSpool, spool);
      if (i % 100 == 0) {
        System.out.println(
            "LOGGED "
                + i
                + " active="
                + server.getAttribute(name, "ActiveAgent")
                + " spoolBytes="
                + spool);
      }
    }
    long dropped = (Long) server.getAttribute(name, "EventsDropped");
    long spooled = (Long) server.getAttribute(name, "EventsSpooled");
    LogManager.shutdown();
    System.out.println(
        "STATS dropped="
            + dropped
            + " spooled="
            + spooled
            + " largestSpoolBytes="
            + largestSpool
            + " p99CallMicros="
            + percentile(calls, 0.99) / 1000
            + " longestCallMicros="
            + longest / 1000);
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
