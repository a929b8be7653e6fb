package io.flumesentinel.appender;

import java.util.HashMap;
import java.util.Map;

/** The headers both adapters give every event, from the logging framework's event. */
public final class EventFields {

  /** Headers longer than this are cut: a logger or thread name, not a payload. */
  static final int MAX_HEADER_CHARS = 256;

  private EventFields() {}

  public static Map<String, String> headers(
      long timestampMillis, String level, String logger, String thread) {
    Map<String, String> headers = new HashMap<>(8);
    headers.put(EventHeaders.TIMESTAMP, Long.toString(timestampMillis));
    headers.put(EventHeaders.LEVEL, cut(level));
    headers.put(EventHeaders.LOGGER, cut(logger));
    headers.put(EventHeaders.THREAD, cut(thread));
    return headers;
  }

  /**
   * Whether the calling thread is an appender's own sender: what it logs (through a library that
   * logs to the application's framework) must not come back into the appender.
   */
  public static boolean isOwnThread() {
    return Thread.currentThread().getName().startsWith("flume-sentinel-appender-");
  }

  private static String cut(String value) {
    if (value == null) {
      return "";
    }
    return value.length() <= MAX_HEADER_CHARS ? value : value.substring(0, MAX_HEADER_CHARS);
  }
}
