package io.flumesentinel.appender;

/**
 * Where the appender reports on itself: the logging framework's own status channel (Logback's
 * status manager, Log4j2's status logger), never a logger, so that a report cannot come back into
 * the appender that writes it.
 */
public interface Diagnostics {

  void info(String message);

  void warn(String message);

  void error(String message, Throwable cause);
}
