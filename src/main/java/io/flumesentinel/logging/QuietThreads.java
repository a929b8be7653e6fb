package io.flumesentinel.logging;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.Appender;
import ch.qos.logback.core.filter.Filter;
import ch.qos.logback.core.spi.FilterReply;
import java.util.Iterator;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.LoggerFactory;

/**
 * Runs a piece of work whose log lines, and those of every thread it starts, are kept out of the
 * log: a rehearsal that plays made-up agent losses through the real pipeline must not fill the
 * operator's log with alerts about agents that do not exist.
 *
 * <p>A thread is quiet when it was started, directly or not, by the thread running the work while
 * it ran (an inheritable thread-local value naming that run), and only while that run lasts: a
 * thread the work started that outlives it logs again as any other.
 *
 * <p>The lines are dropped by a filter on the root logger's appenders, which stays there once added
 * and lets every line through when no work runs. Why not a turbo filter for the time of the work,
 * which would not even build the lines: the code that logs would then run one way in the rehearsal
 * (every line refused before its level is looked at, and a turbo filter in place) and another way
 * after it. The JVM compiles what the rehearsal runs, then throws that code away and compiles it
 * again the first time the other way is taken: with the turbo filter, a cold storm of 5,000 losses
 * began with such a deoptimization in Logback's {@code Logger.filterAndLog_1} on the ZooKeeper
 * client's thread (JFR); with this filter, none. Here the code that logs runs as it always does, up
 * to the appender; in the monitor's own appender ({@link NonBlockingAsyncAppender}) up to the bytes
 * of the line, which it then drops instead of queueing them for the console: the layout of the
 * lines (their date, the escaping of their values) was otherwise what the JVM compiled in a storm's
 * first half second, 0.8 s of its optimizing compiler (JFR).
 */
public final class QuietThreads extends Filter<ILoggingEvent> {

  private static final InheritableThreadLocal<Object> RUN = new InheritableThreadLocal<>();

  /** The runs going on now: a thread whose run is not among them logs. */
  private static final Set<Object> RUNNING = ConcurrentHashMap.newKeySet();

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
    addToRootAppenders(context);
    Object run = new Object();
    RUNNING.add(run);
    RUN.set(run);
    try {
      return work.call();
    } finally {
      RUN.remove();
      RUNNING.remove(run);
    }
  }

  /**
   * Whether the current thread is quiet: it runs, or was started by, a work that {@link #run} runs
   * now.
   */
  public static boolean quiet() {
    Object run = RUN.get();
    return run != null && RUNNING.contains(run);
  }

  /**
   * Adds the filter to each appender of the root logger that has none yet, but a {@link
   * NonBlockingAsyncAppender}, which keeps quiet lines out itself (and formats them as it would
   * write them, see there).
   */
  private static synchronized void addToRootAppenders(LoggerContext context) {
    Logger root = context.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME);
    for (Iterator<Appender<ILoggingEvent>> it = root.iteratorForAppenders(); it.hasNext(); ) {
      Appender<ILoggingEvent> appender = it.next();
      if (!(appender instanceof NonBlockingAsyncAppender)
          && appender.getCopyOfAttachedFiltersList().stream()
              .noneMatch(QuietThreads.class::isInstance)) {
        QuietThreads filter = new QuietThreads();
        filter.setName("quiet-threads");
        filter.start();
        appender.addFilter(filter);
      }
    }
  }

  @Override
  public FilterReply decide(ILoggingEvent event) {
    return quiet() ? FilterReply.DENY : FilterReply.NEUTRAL;
  }
}
