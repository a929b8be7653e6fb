package io.flumesentinel.cli;

import ch.qos.logback.classic.LoggerContext;
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
}
