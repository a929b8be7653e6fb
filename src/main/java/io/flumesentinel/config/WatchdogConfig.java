package io.flumesentinel.config;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonProperty;
import java.time.Duration;

/**
 * The Watchdog, Alertmanager's dead man's switch: an alert that always fires, sent to {@code
 * receiver} every {@code interval} while the monitor works, so that a receiver that stops hearing
 * it knows the monitor (or the path to it) is gone.
 *
 * @param receiver the receiver it goes to; {@code null} when disabled
 */
public record WatchdogConfig(boolean enabled, Duration interval, String receiver) {

  public static final Duration DEFAULT_INTERVAL = Duration.ofMinutes(1);

  public WatchdogConfig {
    if (enabled && (receiver == null || receiver.isBlank())) {
      throw new IllegalArgumentException("an enabled watchdog needs a receiver");
    }
  }

  public static WatchdogConfig disabled() {
    return new WatchdogConfig(false, DEFAULT_INTERVAL, null);
  }

  /**
   * The {@code watchdog} section: {@code enabled} (by default, whenever a receiver is named),
   * {@code interval} (at least 100ms, default 1m) and {@code receiver}.
   */
  @JsonCreator
  static WatchdogConfig read(
      @JsonProperty("enabled") Boolean enabled,
      @JsonProperty("interval") Duration interval,
      @JsonProperty("receiver") String receiver) {
    String name = receiver == null || receiver.isBlank() ? null : receiver.strip();
    boolean on = enabled == null ? name != null : enabled;
    if (on && name == null) {
      throw new ConfigException(
          "receiver", "is required: the receiver the Watchdog is sent to (a dead man's switch)");
    }
    return new WatchdogConfig(
        on,
        interval == null
            ? DEFAULT_INTERVAL
            : DurationKey.inRange("interval", interval, Duration.ofMillis(100), Duration.ofDays(1)),
        name);
  }
}
