package io.flumesentinel.supervisor;

import io.flumesentinel.protocol.Health;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.Objects;
import java.util.Set;

/**
 * Restarts an agent whose health turns STUCK or HUNG (opt-in, per status), as systemd's {@code
 * WatchdogSec} restarts a service that stopped reporting, with a start limit of its own: at most
 * {@code limit} such restarts within {@code window}, so an agent stuck for a reason a restart does
 * not cure (a dead downstream) is restarted once per window and then left to the alert. Pure: time
 * from the injected clock; one instance per supervisor (it counts across runs).
 */
public final class HealthRestartPolicy {

  /**
   * @param on the statuses that call for a restart; empty: never
   * @param limit restarts for a health verdict allowed within {@code window}
   */
  public record Settings(Set<Health.Status> on, int limit, Duration window) {
    public Settings {
      on = Set.copyOf(on);
      Objects.requireNonNull(window, "window");
      if (limit < 1) {
        throw new IllegalArgumentException("limit must be at least 1");
      }
    }

    public static Settings off() {
      return new Settings(Set.of(), 1, Duration.ofHours(1));
    }

    public boolean enabled() {
      return !on.isEmpty();
    }
  }

  /** What to do with a health verdict. */
  public sealed interface Decision {}

  /** Nothing: the status does not call for a restart. */
  public record Keep() implements Decision {}

  /** Restart the agent, saying why. */
  public record Restart(String reason) implements Decision {}

  /** The status calls for a restart but the limit is reached: say so, do not restart. */
  public record Limited(String reason) implements Decision {}

  private final Settings settings;
  private final Clock clock;
  private final Deque<Instant> restarts = new ArrayDeque<>();

  public HealthRestartPolicy(Settings settings, Clock clock) {
    this.settings = settings;
    this.clock = clock;
  }

  /** Decides on a change of the agent's health. */
  public Decision changed(Health health) {
    if (!settings.on().contains(health.status())) {
      return new Keep();
    }
    Instant now = clock.instant();
    Instant windowStart = now.minus(settings.window());
    while (!restarts.isEmpty() && !restarts.peekFirst().isAfter(windowStart)) {
      restarts.removeFirst();
    }
    if (restarts.size() >= settings.limit()) {
      return new Limited(
          "not restarted: "
              + restarts.size()
              + " restart(s) for "
              + String.join(" or ", settings.on().stream().map(Enum::name).sorted().toList())
              + " within "
              + settings.window().toMillis()
              + " ms already (limit "
              + settings.limit()
              + ")");
    }
    restarts.addLast(now);
    return new Restart(health.status() + ": " + health.reason());
  }
}
