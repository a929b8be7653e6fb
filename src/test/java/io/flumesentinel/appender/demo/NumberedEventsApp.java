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
 * flushes), and prints the appender's counters as read over JMX and the logging calls' times
 * ({@link CallTimes}: p99 and longest after the first 100, which load classes, and what explains
 * the longest ones).
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
    long intervalNanos = 1_000_000_000L / perSecond;
    long start = System.nanoTime();
    CallTimes calls = new CallTimes(count);
    java.nio.file.Path stopFile = args.length > 3 ? java.nio.file.Path.of(args[3]) : null;
    int logged = 0;
    for (int i = 1; i <= count; i++) {
      if (stopFile != null && i % 100 == 1 && java.nio.file.Files.exists(stopFile)) {
        break;
      }
      logged = i;
      CallTimes.paceTo(start + (i - 1) * intervalNanos);
      calls.begin();
      log.info("event {}", i);
      calls.end();
      if (i % 100 == 0) {
        System.out.println("LOGGED " + i + " active=" + server.getAttribute(name, "ActiveAgent"));
      }
    }
    long dropped = (Long) server.getAttribute(name, "EventsDropped");
    long failovers = (Long) server.getAttribute(name, "Failovers");
    ((LoggerContext) LoggerFactory.getILoggerFactory()).stop();
    calls.longest(5).forEach(System.out::println);
    System.out.println(
        "STATS logged="
            + logged
            + " dropped="
            + dropped
            + " failovers="
            + failovers
            + " "
            + calls.summary());
  }
}
