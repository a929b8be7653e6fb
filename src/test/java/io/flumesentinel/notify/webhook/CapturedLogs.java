package io.flumesentinel.notify.webhook;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.AppenderBase;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.slf4j.LoggerFactory;

/**
 * The log lines one class (or every class) writes during a test, as an operator would read them.
 */
public final class CapturedLogs extends AppenderBase<ILoggingEvent> {

  private final List<ILoggingEvent> events = new CopyOnWriteArrayList<>();
  private final Logger logger;

  private CapturedLogs(String name) {
    this.logger = (Logger) LoggerFactory.getLogger(name);
  }

  public static CapturedLogs of(Class<?> type) {
    return named(type.getName());
  }

  /** The lines of the logger {@code name}, such as {@link Logger#ROOT_LOGGER_NAME} for all. */
  public static CapturedLogs named(String name) {
    CapturedLogs logs = new CapturedLogs(name);
    logs.start();
    logs.logger.addAppender(logs);
    return logs;
  }

  public void detach() {
    logger.detachAppender(this);
    stop();
  }

  /** The formatted messages at this level that contain {@code text}. */
  public List<String> at(Level level, String text) {
    return events.stream()
        .filter(event -> event.getLevel() == level)
        .map(ILoggingEvent::getFormattedMessage)
        .filter(message -> message.contains(text))
        .toList();
  }

  /** Every event so far, in order. */
  public List<ILoggingEvent> events() {
    return List.copyOf(events);
  }

  @Override
  protected void append(ILoggingEvent event) {
    events.add(event);
  }
}
