package io.flumesentinel.notify;

import io.flumesentinel.event.Alert;
import io.flumesentinel.event.AlertGroup;
import io.flumesentinel.event.Notice;
import java.time.Duration;
import java.time.Instant;
import java.util.Collections;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Which alert groups of one receiver must wait before their next send, and until when, as
 * Alertmanager's {@code group_wait} and {@code group_interval} say.
 *
 * <ul>
 *   <li>{@code groupWait}: the first firing alert of a new group (none of its alerts firing, as far
 *       as the transitions seen so far tell) holds the group that long, so that its siblings go
 *       with it. A group whose alerts all resolved is new again.
 *   <li>{@code groupInterval}: a send of a group holds it that long from the send's start, so that
 *       what it gets meanwhile goes together when the interval is over.
 * </ul>
 *
 * <p>Guarantees: a hold is never extended nor shortened by another one of the same group; a zero
 * duration holds nothing; other groups are never held by one group's hold. Time comes only from the
 * arguments, so the same inputs give the same answers. Not thread-safe: one instance belongs to one
 * notifier.
 */
public final class GroupHolds {

  /** Group key → the keys of its alerts firing, as the transitions so far tell. */
  private final Map<String, Set<String>> firingByGroup = new HashMap<>();

  /** Group key → when its hold ends; only groups whose hold may not have ended yet. */
  private final Map<String, Instant> heldUntil = new HashMap<>();

  /**
   * Notes a transition arriving at {@code now}: the first firing alert of a new group holds the
   * group for its {@code groupWait}; a resolved transition counts the alert out of its group.
   */
  public void arrived(Notice notice, Instant now) {
    AlertGroup group = notice.group();
    Alert alert = notice.alert();
    Set<String> firing = firingByGroup.get(group.key());
    if (alert.firing()) {
      if (firing == null) {
        hold(group.key(), group.groupWait(), now);
      }
      firingByGroup.computeIfAbsent(group.key(), key -> new HashSet<>()).add(alert.key());
    } else if (firing != null) {
      firing.remove(alert.key());
      if (firing.isEmpty()) {
        firingByGroup.remove(group.key());
      }
    }
  }

  /**
   * A send of {@code group} started at {@code now}: holds the group for its {@code groupInterval}.
   */
  public void sent(AlertGroup group, Instant now) {
    hold(group.key(), group.groupInterval(), now);
  }

  /** The keys of the groups held at {@code now}; a view valid until the next call. */
  public Set<String> held(Instant now) {
    heldUntil.values().removeIf(until -> !now.isBefore(until));
    return Collections.unmodifiableSet(heldUntil.keySet());
  }

  /** When the first hold still running at {@code now} ends; empty if none. */
  public Optional<Instant> nextRelease(Instant now) {
    return held(now).stream().map(heldUntil::get).min(Instant::compareTo);
  }

  private void hold(String key, Duration duration, Instant now) {
    if (duration.isZero() || held(now).contains(key)) {
      return;
    }
    heldUntil.put(key, now.plus(duration));
  }
}
