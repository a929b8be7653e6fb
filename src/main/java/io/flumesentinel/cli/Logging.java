package io.flumesentinel.cli;

import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.Appender;
import ch.qos.logback.core.ConsoleAppender;
import ch.qos.logback.core.spi.AppenderAttachable;
import java.util.Iterator;
import org.slf4j.LoggerFactory;

/**
 * Logging that outlives the JVM's shutdown: the console goes through a queue that must be flushed.
 */
public final class Logging {

  private Logging() {}

  /**
   * Writes out every queued line and stops logging. Called last by a shutdown hook: JVM hooks run
   * concurrently, so a hook of the logging library itself could stop it before our last lines.
   */
  public static void flush() {
    if (LoggerFactory.getILoggerFactory() instanceof LoggerContext context) {
      context.stop();
    }
  }

  /**
   * Sends the console log to stderr from now on: a one-shot command prints its results on stdout,
   * which scripts capture ({@code ID=$(flume-sentinel silence add ...)}), and nothing else.
   */
  static void toStandardError() {
    if (LoggerFactory.getILoggerFactory() instanceof LoggerContext context) {
      toStandardError(context.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME).iteratorForAppenders());
    }
  }

  private static void toStandardError(Iterator<Appender<ILoggingEvent>> appenders) {
    while (appenders.hasNext()) {
      Appender<ILoggingEvent> appender = appenders.next();
      if (appender instanceof ConsoleAppender<ILoggingEvent> console
          && !"System.err".equals(console.getTarget())) {
        console.stop();
        console.setTarget("System.err");
        console.start();
      } else if (appender instanceof AppenderAttachable<?> parent) {
        @SuppressWarnings("unchecked")
        AppenderAttachable<ILoggingEvent> attached = (AppenderAttachable<ILoggingEvent>) parent;
        toStandardError(attached.iteratorForAppenders());
      }
    }
  }
}
