package io.flumesentinel.notify;

import io.flumesentinel.event.Alert;
import io.flumesentinel.event.Notice;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The alert transitions ({@link Notice}s) waiting for one receiver, oldest first, and the batch
 * currently being sent.
 *
 * <p>Guarantees:
 *
 * <ul>
 *   <li>A batch is one group: it holds the oldest ready transition and the transitions of its group
 *       ({@link Notice#group()}) waiting behind it, so groups are never mixed in one message.
 *   <li>Order within a group is never changed: a group's transitions are taken oldest first, and a
 *       failed batch goes back to the head. Groups go out in the order of their oldest waiting
 *       transition.
 *   <li>At most {@code capacity} transitions are held, in flight included. When an offer goes past
 *       it, superseded transitions are collapsed first (for one incident, that is the same {@link
 *       Alert#key()} and the same {@code startsAt}, only the newest transition stays: a resolved
 *       one carries {@code startsAt} and {@code endsAt}, so the receiver still learns of the
 *       outage). Transitions of different incidents are never merged. Only if that is not enough
 *       the oldest waiting transition is dropped; the in-flight batch is never touched.
 *   <li>Nothing is lost silently: every dropped transition is returned by {@link #offer} and
 *       counted by {@link #dropped()}.
 * </ul>
 *
 * <p>Pure logic, not thread-safe: one instance belongs to one notifier and is used from its context
 * only.
 */
public final class DeliveryQueue {

  private final int capacity;
  private final ArrayDeque<Slot> waiting = new ArrayDeque<>();

  /** The newest waiting slot of each incident, for collapsing duplicates in O(1). */
  private final Map<Incident, Slot> newestWaiting = new HashMap<>();

  /** Group key → how many of its transitions wait; groups with none are absent. */
  private final Map<String, Integer> waitingPerGroup = new HashMap<>();

  private List<Slot> inFlight = List.of();

  /**
   * Waiting slots with a newer waiting slot of the same incident: while zero, a full queue skips
   * the scan.
   */
  private int superseded;

  private long dropped;
  private long collapsed;

  /**
   * @throws IllegalArgumentException if {@code capacity} is not positive
   */
  public DeliveryQueue(int capacity) {
    if (capacity < 1) {
      throw new IllegalArgumentException("queueCapacity must be at least 1, was " + capacity);
    }
    this.capacity = capacity;
  }

  /**
   * Queues a transition at the tail.
   *
   * <p>If the newest waiting transition of the same incident has the same status, the new one
   * replaces it where it stands instead of being appended. Keeping the old position keeps time
   * order: a repeated "firing" is not a new transition, the incident began when the first one was
   * queued, so it must still reach the receiver before incidents that began later. Only the newest
   * transition of the incident is considered, so a firing, resolved, firing sequence keeps all
   * three.
   *
   * @return the transitions dropped to make room, oldest first; usually empty
   */
  public List<Notice> offer(Notice notice) {
    Alert alert = notice.alert();
    Incident incident = Incident.of(alert);
    Slot newest = newestWaiting.get(incident);
    if (newest != null && newest.alert().status() == alert.status()) {
      countOut(newest);
      newest.notice = notice;
      countIn(newest);
      collapsed++;
      return List.of();
    }
    Slot slot = new Slot(notice);
    waiting.addLast(slot);
    countIn(slot);
    if (newestWaiting.put(incident, slot) != null) {
      superseded++;
    }
    if (size() <= capacity) {
      return List.of();
    }
    if (superseded > 0) {
      collapseSuperseded();
    }
    return dropOldestWaiting();
  }

  /**
   * Marks up to {@code max} waiting transitions of one group as in flight and returns them, oldest
   * first: the group of the oldest waiting transition whose group is not in {@code held}.
   *
   * @param held groups whose transitions must wait (a new group collecting its siblings)
   * @return empty when every waiting transition is held
   * @throws IllegalStateException if a batch is already in flight: one request at a time keeps the
   *     order
   */
  public List<Notice> takeBatch(int max, Set<String> held) {
    if (!inFlight.isEmpty()) {
      throw new IllegalStateException("a batch is already in flight");
    }
    String group = null;
    int wanted = 0;
    List<Slot> batch = new ArrayList<>();
    List<Slot> passed = new ArrayList<>();
    // Only as far as the group's last wanted transition: usually a prefix of the queue.
    while (batch.size() < Math.max(wanted, 1) && !waiting.isEmpty()) {
      Slot slot = waiting.pollFirst();
      String key = slot.notice.group().key();
      if (group == null && !held.contains(key)) {
        group = key;
        wanted = Math.min(max, waitingPerGroup.get(key));
      }
      if (key.equals(group)) {
        forget(slot);
        countOut(slot);
        batch.add(slot);
      } else {
        passed.add(slot);
      }
    }
    for (int i = passed.size() - 1; i >= 0; i--) {
      waiting.addFirst(passed.get(i));
    }
    inFlight = batch;
    return notices(batch);
  }

  /** Whether a transition waits whose group is not in {@code held}. */
  public boolean hasReady(Set<String> held) {
    for (String group : waitingPerGroup.keySet()) {
      if (!held.contains(group)) {
        return true;
      }
    }
    return false;
  }

  /** The receiver has the in-flight batch (or refused it for good): forget it. */
  public void ack() {
    inFlight = List.of();
  }

  /**
   * The in-flight batch was not delivered: put it back at the head, in its order, to be sent again.
   */
  public void nack() {
    for (int i = inFlight.size() - 1; i >= 0; i--) {
      Slot slot = inFlight.get(i);
      waiting.addFirst(slot);
      countIn(slot);
      // Anything already waiting for the same incident is newer, so it stays the newest.
      if (newestWaiting.putIfAbsent(Incident.of(slot.alert()), slot) != null) {
        superseded++;
      }
    }
    inFlight = List.of();
  }

  /** Transitions held, in flight included. */
  public int size() {
    return waiting.size() + inFlight.size();
  }

  public boolean hasWaiting() {
    return !waiting.isEmpty();
  }

  /** Transitions dropped since creation because the queue was full. */
  public long dropped() {
    return dropped;
  }

  /**
   * Transitions replaced by a newer transition of the same incident; nothing a receiver needs is
   * lost.
   */
  public long collapsed() {
    return collapsed;
  }

  /**
   * Removes every waiting transition that a newer waiting transition of the same incident
   * supersedes.
   */
  private void collapseSuperseded() {
    Set<Incident> newerSeen = new HashSet<>();
    for (Iterator<Slot> it = waiting.descendingIterator(); it.hasNext(); ) {
      Slot slot = it.next();
      if (!newerSeen.add(Incident.of(slot.alert()))) {
        it.remove();
        countOut(slot);
        collapsed++;
      }
    }
    superseded = 0;
  }

  private List<Notice> dropOldestWaiting() {
    List<Notice> drops = new ArrayList<>(1);
    while (size() > capacity && !waiting.isEmpty()) {
      Slot slot = waiting.pollFirst();
      forget(slot);
      countOut(slot);
      drops.add(slot.notice);
      dropped++;
    }
    return drops;
  }

  /** Updates the index for a slot leaving the waiting line. */
  private void forget(Slot slot) {
    if (!newestWaiting.remove(Incident.of(slot.alert()), slot)) {
      superseded--;
    }
  }

  private void countIn(Slot slot) {
    waitingPerGroup.merge(slot.notice.group().key(), 1, Integer::sum);
  }

  private void countOut(Slot slot) {
    waitingPerGroup.computeIfPresent(
        slot.notice.group().key(), (group, count) -> count == 1 ? null : count - 1);
  }

  private static List<Notice> notices(List<Slot> slots) {
    List<Notice> notices = new ArrayList<>(slots.size());
    for (Slot slot : slots) {
      notices.add(slot.notice);
    }
    return List.copyOf(notices);
  }

  /** One incident of one alert: the unit within which transitions supersede each other. */
  private record Incident(String key, Instant startsAt) {
    static Incident of(Alert alert) {
      return new Incident(alert.key(), alert.startsAt());
    }
  }

  /** Mutable so that a duplicate can replace a waiting transition without moving it. */
  private static final class Slot {
    private Notice notice;

    Slot(Notice notice) {
      this.notice = notice;
    }

    Alert alert() {
      return notice.alert();
    }
  }
}
