package io.flumesentinel.logging;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.turbo.TurboFilter;
import ch.qos.logback.core.spi.FilterReply;
import java.util.concurrent.Callable;
import org.slf4j.LoggerFactory;
import org.slf4j.Marker;

/**
 * Runs a piece of work whose log lines, and those of every thread it starts, are kept out of the
 * log: a rehearsal that plays made-up agent losses through the real pipeline must not fill the
 * operator's log with alerts about agents that do not exist.
 *
 * <p>A thread is quiet when it was started, directly or not, by the thread running the work while
 * it ran (an inheritable thread-local value): the work's own Vert.x, ZooKeeper server and clients.
 * The filter is in Logback's context only while the work runs, so a thread the work started that
 * outlives it logs again as any other.
 */
public final class QuietThreads extends TurboFilter {

  private static final InheritableThreadLocal<Boolean> QUIET = new InheritableThreadLocal<>();

  private QuietThreads() {}

  /**
   * Runs {@code work} quietly; returns what it returns.
   *
   * @throws IllegalStateException (before running anything) when the logging is not Logback's, so
   *     that nothing could keep the work's lines out
   */
  public static <T> T run(Callable<T> work) throws Exception {
    if (!(LoggerFactory.getILoggerFactory() instanceof LoggerContext context)) {
      throw new IllegalStateException("the log is not Logback's: cannot keep lines out of it");
    }
    QuietThreads filter = new QuietThreads();
    filter.setName("quiet-threads");
    filter.start();
    context.addTurboFilter(filter);
    QUIET.set(Boolean.TRUE);
    try {
      return work.call();
    } finally {
      QUIET.remove();
      context.getTurboFilterList().remove(filter);
      filter.stop();
    }
  }

  /** Whether the calling thread's lines are kept out of the log now. */
  private static boolean quiet() {
    return Boolean.TRUE.equals(QUIET.get());
  }

  @Override
  public FilterReply decide(
      Marker marker, Logger logger, Level level, String format, Object[] params, Throwable t) {
    return quiet() ? FilterReply.DENY : FilterReply.NEUTRAL;
  }
}
