package io.flumesentinel.notify.webhook;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.AppenderBase;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.slf4j.LoggerFactory;

/** The log lines one class writes during a test, as an operator would read them. */
final class CapturedLogs extends AppenderBase<ILoggingEvent> {

  private final List<ILoggingEvent> events = new CopyOnWriteArrayList<>();
  private final Logger logger;

  private CapturedLogs(Class<?> type) {
    this.logger = (Logger) LoggerFactory.getLogger(type);
  }

  static CapturedLogs of(Class<?> type) {
    CapturedLogs logs = new CapturedLogs(type);
    logs.start();
    logs.logger.addAppender(logs);
    return logs;
  }

  void detach() {
    logger.detachAppender(this);
    stop();
  }

  /** The formatted messages at this level that contain {@code text}. */
  List<String> at(Level level, String text) {
    return events.stream()
        .filter(event -> event.getLevel() == level)
        .map(ILoggingEvent::getFormattedMessage)
        .filter(message -> message.contains(text))
        .toList();
  }

  @Override
  protected void append(ILoggingEvent event) {
    events.add(event);
  }
}
