package io.flumesentinel.appender.demo;

import java.lang.management.ManagementFactory;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;
import javax.management.MBeanServer;
import javax.management.ObjectName;

/**
 * The application of the appender comparison benchmark: logs {@code count} events {@code run=<run>
 * event <n>} at {@code perSecond} through one logging framework ({@link LogCall}), whatever
 * appender its configuration names, and reports what the application saw: the rate it achieved (a
 * logging call that blocks holds the application back), its logging calls' times ({@link
 * CallTimes}), the calls that threw, and with this product's appender its drop counter (JMX).
 *
 * <p>Prints {@code LOGGED n} every 100 events (with {@code active=HOST:PORT} when the appender has
 * a JMX bean), then {@code LONGCALL} lines and one {@code STATS} line. Arguments: framework ({@code
 * slf4j}, {@code log4j1}, {@code log4j2}), count, perSecond, run, and the appender's name for JMX
 * (or {@code -}).
 */
public final class BenchLoggingApp {

  /** How long the framework's shutdown may take before the application gives up on it. */
  private static final long SHUTDOWN_SECONDS = 60;

  private BenchLoggingApp() {}

  public static void main(String[] args) throws Exception {
    LogCall log = LogCall.of(args[0]);
    int count = Integer.parseInt(args[1]);
    int perSecond = Integer.parseInt(args[2]);
    String run = args[3];
    ObjectName bean =
        "-".equals(args[4])
            ? null
            : new ObjectName(
                "io.flumesentinel.appender:type=FlumeAppender,name=" + ObjectName.quote(args[4]));
    long stallNanos = TimeUnit.SECONDS.toNanos(Long.parseLong(args[5]));
    long budgetNanos = TimeUnit.SECONDS.toNanos(Long.parseLong(args[6]));
    AtomicLong threw = new AtomicLong();
    MBeanServer server = ManagementFactory.getPlatformMBeanServer();
    CallTimes calls = new CallTimes(count);
    long begun = System.nanoTime();
    Thread watchdog =
        new Thread(
            () -> {
              while (calls.currentCallNanos() < stallNanos) {
                LockSupport.parkNanos(TimeUnit.SECONDS.toNanos(1));
              }
              long took = System.nanoTime() - begun;
              System.out.println(
                  "STATS run="
                      + run
                      + " hung=true logged="
                      + calls.count()
                      + " askedPerSecond="
                      + perSecond
                      + " achievedPerSecond="
                      + Math.round(calls.count() / (took / 1e9))
                      + " threw="
                      + threw.get()
                      + " stuckCallMicros="
                      + calls.currentCallNanos() / 1000
                      + " "
                      + calls.summary());
              System.out.flush();
              // the logging thread is stuck for good: nothing would end the JVM otherwise
              Runtime.getRuntime().halt(0);
            },
            "bench-watchdog");
    watchdog.setDaemon(true);
    watchdog.start();
    String firstThrown = "";
    int logged = 0;
    long intervalNanos = 1_000_000_000L / perSecond;
    long start = begun;
    for (int i = 1; i <= count; i++) {
      if (System.nanoTime() - start > budgetNanos) {
        break;
      }
      logged = i;
      CallTimes.paceTo(start + (i - 1) * intervalNanos);
      calls.begin();
      try {
        log.log(run, i);
      } catch (RuntimeException e) {
        threw.incrementAndGet();
        if (firstThrown.isEmpty()) {
          firstThrown = e.getClass().getName();
        }
      }
      calls.end();
      if (i % 100 == 0) {
        System.out.println(
            "LOGGED "
                + i
                + (bean == null ? "" : " active=" + server.getAttribute(bean, "ActiveAgent")));
      }
    }
    long took = System.nanoTime() - start;
    long dropped = bean == null ? -1 : (Long) server.getAttribute(bean, "EventsDropped");
    long shutdownStart = System.nanoTime();
    Thread shutdown = new Thread(log::shutdown, "bench-shutdown");
    shutdown.setDaemon(true);
    shutdown.start();
    shutdown.join(TimeUnit.SECONDS.toMillis(SHUTDOWN_SECONDS));
    long shutdownMillis =
        shutdown.isAlive() ? -1 : TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - shutdownStart);
    calls.longest(5).forEach(System.out::println);
    System.out.println(
        "STATS run="
            + run
            + " logged="
            + logged
            + (logged < count ? " stoppedEarly=true" : "")
            + " askedPerSecond="
            + perSecond
            + " achievedPerSecond="
            + Math.round(logged / (took / 1e9))
            + " threw="
            + threw.get()
            + (firstThrown.isEmpty() ? "" : " firstThrown=" + firstThrown)
            + " dropped="
            + dropped
            + " shutdownMillis="
            + shutdownMillis
            + " "
            + calls.summary());
    System.out.flush();
    // the Flume clients' threads are not all daemons
    System.exit(0);
  }
}
