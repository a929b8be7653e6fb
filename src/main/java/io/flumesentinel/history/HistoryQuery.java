package io.flumesentinel.history;

import java.time.Instant;

/**
 * Which records {@code GET /api/history} asks for: each filter given must hold ({@code null}: any),
 * newest first, {@code limit} at most, after {@code cursor} when one is given.
 *
 * @param since from this time on, inclusive
 * @param until before this time, exclusive
 * @param cursor the last record of the previous page, or {@code null} for the first page
 */
public record HistoryQuery(
    String agent,
    String alertname,
    String receiver,
    HistoryRecord.Kind kind,
    Instant since,
    Instant until,
    int limit,
    Cursor cursor) {

  public HistoryQuery {
    if (limit < 1) {
      throw new IllegalArgumentException("limit must be at least 1, got " + limit);
    }
  }

  /** Everything, newest first, {@code limit} at most. */
  public static HistoryQuery all(int limit) {
    return new HistoryQuery(null, null, null, null, null, null, limit, null);
  }

  /**
   * Where a page ended: the time (in microseconds) and the insertion number of its last record.
   * Records are ordered by time, then by insertion, so a cursor names one place that stays put
   * while records are added.
   */
  public record Cursor(long atMicros, long seq) {

    /** As a link carries it: {@code <atMicros>.<seq>}. */
    public String text() {
      return atMicros + "." + seq;
    }

    /**
     * @throws IllegalArgumentException when {@code text} is not a cursor's {@link #text()}
     */
    public static Cursor parse(String text) {
      int dot = text.indexOf('.');
      if (dot > 0) {
        try {
          return new Cursor(
              Long.parseLong(text.substring(0, dot)), Long.parseLong(text.substring(dot + 1)));
        } catch (NumberFormatException e) {
          // named below
        }
      }
      throw new IllegalArgumentException("not a cursor: " + text);
    }
  }
}
