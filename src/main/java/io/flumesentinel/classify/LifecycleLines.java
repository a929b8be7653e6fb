package io.flumesentinel.classify;

import io.flumesentinel.event.LifecycleEvent;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Which agent lifecycle events get a log line of their own: registered, started, stopped and
 * deregistered, so that an operator sees what is watched before anything crashes (a crash has its
 * alert's line already). At most {@code perInterval} lines per interval: beyond that, a storm (a
 * host's agents restarted, a fleet registering at once) is counted and said in one summary, so that
 * the log stays readable and its cost bounded.
 *
 * <p>Not thread-safe: called on the classifier's context only.
 */
final class LifecycleLines {

  static final Set<LifecycleEvent.Type> LOGGED =
      Set.of(
          LifecycleEvent.Type.REGISTERED,
          LifecycleEvent.Type.STARTED,
          LifecycleEvent.Type.STOPPED,
          LifecycleEvent.Type.DEREGISTERED);

  /** What to log. */
  sealed interface Said {}

  /** One event's line. */
  record One(LifecycleEvent event) implements Said {}

  /** The events held back during {@code over}, counted by type, in the order of the types. */
  record Held(Duration over, Map<LifecycleEvent.Type, Integer> counts) implements Said {
    int total() {
      return counts.values().stream().mapToInt(Integer::intValue).sum();
    }
  }

  private final Clock clock;
  private final int perInterval;
  private final Duration interval;
  private final Map<LifecycleEvent.Type, Integer> held = new EnumMap<>(LifecycleEvent.Type.class);
  private Instant windowStart;
  private int said;

  /**
   * @param perInterval the lines said one by one per interval, at least 1
   */
  LifecycleLines(Clock clock, int perInterval, Duration interval) {
    if (perInterval < 1 || interval.isNegative() || interval.isZero()) {
      throw new IllegalArgumentException("perInterval must be >= 1 and interval positive");
    }
    this.clock = clock;
    this.perInterval = perInterval;
    this.interval = interval;
  }

  Duration interval() {
    return interval;
  }

  /**
   * What to log now that {@code event} happened: its line, a summary of the last interval, both or
   * none.
   */
  List<Said> accept(LifecycleEvent event) {
    if (!LOGGED.contains(event.type())) {
      return List.of();
    }
    List<Said> out = new ArrayList<>(2);
    roll(out);
    if (said < perInterval) {
      said++;
      out.add(new One(event));
    } else {
      held.merge(event.type(), 1, Integer::sum);
    }
    return out;
  }

  /** Called at least once per interval: the summary of an interval that has ended, if any. */
  List<Said> tick() {
    List<Said> out = new ArrayList<>(1);
    roll(out);
    return out;
  }

  private void roll(List<Said> out) {
    Instant now = clock.instant();
    if (windowStart != null && now.isBefore(windowStart.plus(interval))) {
      return;
    }
    if (!held.isEmpty()) {
      out.add(
          new Held(
              Duration.between(windowStart, now),
              Collections.unmodifiableMap(new EnumMap<>(held))));
      held.clear();
    }
    windowStart = now;
    said = 0;
  }
}
