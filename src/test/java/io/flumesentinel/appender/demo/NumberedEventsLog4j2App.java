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
    CallTimes calls = new CallTimes(count);
    long largestSpool = 0;
    for (int i = 1; i <= count; i++) {
      CallTimes.paceTo(start + (i - 1) * intervalNanos);
      calls.begin();
      log.info("event {}", i);
      calls.end();
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
    long failovers = (Long) server.getAttribute(name, "Failovers");
    LogManager.shutdown();
    calls.longest(5).forEach(System.out::println);
    System.out.println(
        "STATS logged="
            + count
            + " dropped="
            + dropped
            + " spooled="
            + spooled
            + " failovers="
            + failovers
            + " largestSpoolBytes="
            + largestSpool
            + " "
            + calls.summary());
  }
}
