package io.flumesentinel.supervisor;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.Locale;

/**
 * Decides what follows an exit of the supervised process, like systemd's {@code Restart=}, {@code
 * RestartSec=} and {@code StartLimitBurst=}/{@code StartLimitIntervalSec=}, with an exponential
 * delay. Pure: no threads, no I/O; time comes from the injected clock. Not thread-safe (one owner).
 *
 * <ul>
 *   <li>{@link Mode#ON_FAILURE} restarts after a non-zero exit code or a signal; {@link
 *       Mode#ALWAYS} after any exit; {@link Mode#NO} never.
 *   <li>The n-th consecutive restart waits {@code initialDelay * factor^(n-1)}, at most {@code
 *       maxDelay}. A run that lasted at least {@code resetAfter} resets the count.
 *   <li>When the next start would make more than {@code startLimit} starts within {@code
 *       startWindow}, it gives up.
 * </ul>
 */
public final class RestartPolicy {

  public enum Mode {
    ON_FAILURE,
    ALWAYS,
    NO;

    /** {@code on-failure}, {@code always}, {@code no} (as systemd spells them). */
    public static Mode parse(String value) {
      for (Mode mode : values()) {
        if (mode.spelling().equals(value)) {
          return mode;
        }
      }
      throw new IllegalArgumentException("'" + value + "' is not one of on-failure, always, no");
    }

    public String spelling() {
      return name().toLowerCase(Locale.ROOT).replace('_', '-');
    }
  }

  public record Settings(
      Mode mode,
      Duration initialDelay,
      double factor,
      Duration maxDelay,
      Duration resetAfter,
      int startLimit,
      Duration startWindow) {

    public static Settings defaults() {
      return new Settings(
          Mode.ON_FAILURE,
          Duration.ofSeconds(1),
          2.0,
          Duration.ofSeconds(30),
          Duration.ofSeconds(60),
          5,
          Duration.ofMinutes(2));
    }
  }

  /** What to do after an exit. */
  public sealed interface Decision {}

  /** Start the process again after {@code delay}. */
  public record Restart(Duration delay) implements Decision {}

  /** The policy does not restart this exit. */
  public record Stop(String reason) implements Decision {}

  /** Too many starts: stop trying. */
  public record GiveUp(String reason) implements Decision {}

  private final Settings settings;
  private final Clock clock;
  private final Deque<Instant> starts = new ArrayDeque<>();
  private int consecutiveRestarts;

  public RestartPolicy(Settings settings, Clock clock) {
    this.settings = settings;
    this.clock = clock;
  }

  public Settings settings() {
    return settings;
  }

  /** Call each time the process is started. */
  public void started() {
    starts.addLast(clock.instant());
  }

  /** Call when the process ended on its own (not stopped by the supervisor). */
  public Decision exited(ChildExit exit) {
    return decide(exit, false);
  }

  /**
   * Call when the supervisor ended the process itself to start it again (a resource limit, a stuck
   * verdict, a failed probe): a restart whatever the mode, after the usual delay, unless the start
   * limit is reached.
   */
  public Decision restartRequested(ChildExit exit) {
    return decide(exit, true);
  }

  private Decision decide(ChildExit exit, boolean requested) {
    Instant now = clock.instant();
    Instant lastStart = starts.peekLast();
    if (lastStart != null
        && !Duration.between(lastStart, now).minus(settings.resetAfter()).isNegative()) {
      consecutiveRestarts = 0;
    }
    boolean restart =
        requested
            || switch (settings.mode()) {
              case ALWAYS -> true;
              case ON_FAILURE -> !exit.clean();
              case NO -> false;
            };
    if (!restart) {
      return new Stop(
          "exited with " + exit.describe() + "; restart policy is " + settings.mode().spelling());
    }
    int next = consecutiveRestarts + 1;
    Duration delay = delay(next);
    // The next start would happen at now + delay: count the starts within the window
    // that ends there.
    Instant windowStart = now.plus(delay).minus(settings.startWindow());
    while (!starts.isEmpty() && !starts.peekFirst().isAfter(windowStart)) {
      starts.removeFirst();
    }
    if (starts.size() >= settings.startLimit()) {
      return new GiveUp(
          "started "
              + starts.size()
              + " times within "
              + settings.startWindow().toMillis()
              + " ms (start limit "
              + settings.startLimit()
              + "); last exit "
              + exit.describe());
    }
    consecutiveRestarts = next;
    return new Restart(delay);
  }

  private Duration delay(int restart) {
    double millis = settings.initialDelay().toMillis() * Math.pow(settings.factor(), restart - 1);
    long capped = (long) Math.min(millis, settings.maxDelay().toMillis());
    return Duration.ofMillis(Math.max(0, capped));
  }
}
