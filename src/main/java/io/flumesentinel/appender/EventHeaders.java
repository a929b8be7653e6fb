package io.flumesentinel.appender;

/** The Flume event headers the appender writes; downstream can order and deduplicate by them. */
public final class EventHeaders {

  /** The application instance that logged the event (setting {@code instanceId}). */
  public static final String INSTANCE = "sentinel.instance";

  /**
   * The event's number in its instance, from 1, in logging order. A number missing downstream is an
   * event dropped (see {@link #DROPPED}); a number seen twice is a batch sent again.
   */
  public static final String SEQ = "sentinel.seq";

  /** The number of the batch that carried the event, from 1 per instance; kept when re-sent. */
  public static final String BATCH = "sentinel.batch";

  /**
   * On the event that reports drops: how many events were dropped since the previous report (the
   * report's body says it in words too).
   */
  public static final String DROPPED = "sentinel.dropped";

  /** Flume's own convention: milliseconds since the epoch, when the event was logged. */
  public static final String TIMESTAMP = "timestamp";

  public static final String LEVEL = "level";
  public static final String LOGGER = "logger";
  public static final String THREAD = "thread";

  private EventHeaders() {}
}
