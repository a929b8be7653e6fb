package io.flumesentinel.notify;

import java.util.HashMap;
import java.util.Map;

/**
 * Remembers the last error of each source (a URL), so that a notifier logs a failure when it starts
 * or changes rather than on every retry, and logs a recovery once (as Alertmanager's {@code
 * RetryStage}). Not thread-safe: used from one notifier's context.
 */
public final class ErrorChanges {

  private final Map<String, String> lastError = new HashMap<>();

  /**
   * Records a failure; true if it differs from the source's previous one, so it is worth logging.
   */
  public boolean failed(String source, String error) {
    return !error.equals(lastError.put(source, error));
  }

  /**
   * Records a success; returns the error the source had been failing with, or {@code null} if none.
   */
  public String recovered(String source) {
    return lastError.remove(source);
  }
}
