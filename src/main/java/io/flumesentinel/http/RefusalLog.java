package io.flumesentinel.http;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.function.Consumer;

/**
 * Says which requests were refused, at most one line per {@link #INTERVAL}: someone trying tokens
 * or flooding the port must not flood the log as well. A refusal is told at once when the last line
 * is at least that old; the others are counted, and the next line says how many there were.
 *
 * <p>A line names the reason, the client address, the method and the path, never the query (it may
 * hold anything) nor a token. Not thread-safe: used on the HTTP server's event loop.
 */
final class RefusalLog {

  static final Duration INTERVAL = Duration.ofSeconds(10);

  /** A path in a line is cut to this many characters: it is the client's text, not ours. */
  static final int MAX_PATH = 200;

  private final Clock clock;
  private final Consumer<String> sink;
  private Instant quietUntil = Instant.MIN;
  private long untold;

  RefusalLog(Clock clock, Consumer<String> sink) {
    this.clock = clock;
    this.sink = sink;
  }

  /**
   * @param reason what was refused and why, e.g. {@code 401 (no token)}
   */
  void refused(String reason, String remote, String method, String path) {
    Instant now = clock.instant();
    if (now.isBefore(quietUntil)) {
      untold++;
      return;
    }
    String shown = path.length() > MAX_PATH ? path.substring(0, MAX_PATH) + "…" : path;
    StringBuilder line =
        new StringBuilder("Refused ")
            .append(reason)
            .append(": ")
            .append(method)
            .append(' ')
            .append(shown)
            .append(" from ")
            .append(remote);
    if (untold > 0) {
      line.append(" (and ").append(untold).append(" more refused since the previous line)");
    }
    untold = 0;
    quietUntil = now.plus(INTERVAL);
    sink.accept(line.toString());
  }
}
