package io.flumesentinel.notify;

import io.flumesentinel.event.Alert;
import io.flumesentinel.event.AlertGroup;
import io.flumesentinel.event.Notice;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * What one receiver's notifier sends, where and when: the decisions of {@link NotifierVerticle},
 * which only carries them out (moves messages, calls the {@link Channel}, sets one timer).
 *
 * <p>Three inputs — a transition {@linkplain #arrived arrives}, the timer {@linkplain #woke fires},
 * an attempt {@linkplain #attempted ends} — each answer what to do now ({@link Next#attempt()}: one
 * batch of one group to one target) and when to be woken next ({@link Next#wakeAt()}).
 *
 * <p>Guarantees:
 *
 * <ul>
 *   <li>Exactly one attempt is in flight at a time, and a batch is the transitions of one {@link
 *       AlertGroup}, oldest first, at most {@code maxBatch} (see {@link DeliveryQueue}). When
 *       several groups wait, the group of the oldest transition goes first.
 *   <li>A transition arriving while nothing is in flight, paced or backing off goes at once, unless
 *       its group is held ({@link GroupHolds}: {@code groupWait}, {@code groupInterval}).
 *   <li>Pacing: rounds start at least {@code minInterval} apart; what arrives meanwhile goes
 *       together in the next batch.
 *   <li>Failover: a retryable failure tries the next target with the same batch at once; when every
 *       target failed, the batch goes back to the head of the queue and the next round starts after
 *       {@link Backoff#nextDelay()}, from the first target. A delivery or a permanent refusal
 *       settles the batch and resets the back-off.
 * </ul>
 *
 * <p>Time comes only from the clock given, read once per input. Pure logic, not thread-safe: one
 * instance belongs to one notifier and is used from its context only.
 */
public final class DeliverySchedule {

  /** What the notifier is doing; exactly one at a time. */
  public enum State {
    /** Nothing in flight, nothing ready: the next ready transition starts a round at once. */
    IDLE,
    /** A batch is ready but the receiver's pace keeps it until {@link #nextWake()}. */
    PACING,
    /** One attempt is in flight; its outcome comes through {@link #attempted}. */
    SENDING,
    /** Every target failed the last batch; the next round starts at {@link #nextWake()}. */
    BACKING_OFF
  }

  /**
   * One attempt to hand a batch to one target.
   *
   * @param notices the batch, oldest first, never empty, all of one group
   * @param targetIndex the position of {@code target} in the failover order
   */
  public record Attempt(String target, int targetIndex, List<Notice> notices) {

    public Attempt {
      Objects.requireNonNull(target, "target");
      notices = List.copyOf(notices);
      if (notices.isEmpty()) {
        throw new IllegalArgumentException("an attempt carries at least one transition");
      }
    }

    public AlertGroup group() {
      return notices.get(0).group();
    }

    /** The alerts of the batch, oldest first, as the channel sends them. */
    public List<Alert> alerts() {
      return notices.stream().map(Notice::alert).toList();
    }
  }

  /**
   * What to do after an input.
   *
   * @param attempt the attempt to start now, if any
   * @param wakeAt when to call {@link #woke()}; empty: no timer is needed (an older one can be
   *     cancelled)
   */
  public record Next(Optional<Attempt> attempt, Optional<Instant> wakeAt) {
    public Next {
      Objects.requireNonNull(attempt, "attempt");
      Objects.requireNonNull(wakeAt, "wakeAt");
    }
  }

  /**
   * The answer to an arrival.
   *
   * @param dropped transitions dropped to make room in a full queue, oldest first; usually empty
   */
  public record Arrival(List<Notice> dropped, Next next) {
    public Arrival {
      dropped = List.copyOf(dropped);
      Objects.requireNonNull(next, "next");
    }
  }

  /** What became of the attempt that ended. */
  public enum Settled {
    /** The target has the batch. */
    DELIVERED,
    /** The target refused the batch for good; it is not sent again. */
    REJECTED,
    /** The target failed; the same batch goes to the next target now. */
    NEXT_TARGET,
    /** Every target failed; the batch waits in the queue for the back-off. */
    BACKING_OFF
  }

  /**
   * The answer to the end of an attempt.
   *
   * @param ended the attempt that ended
   * @param backoff how long the notifier backs off; zero unless {@code settled} is {@link
   *     Settled#BACKING_OFF}
   */
  public record Settlement(Settled settled, Attempt ended, Duration backoff, Next next) {
    public Settlement {
      Objects.requireNonNull(settled, "settled");
      Objects.requireNonNull(ended, "ended");
      Objects.requireNonNull(backoff, "backoff");
      Objects.requireNonNull(next, "next");
    }
  }

  private final Clock clock;
  private final int maxBatch;
  private final DeliveryQueue queue;
  private final Backoff backoff;
  private final List<String> targets;
  private final Duration minInterval;
  private final GroupHolds holds = new GroupHolds();

  private State state = State.IDLE;

  /** While {@link State#PACING} or {@link State#BACKING_OFF}: when that ends. */
  private Instant waitEnds = Instant.MIN;

  /** The earliest start of the next round, as the pace allows. */
  private Instant nextRoundAllowed = Instant.MIN;

  /** While {@link State#SENDING}: the attempt in flight. */
  private Attempt inFlight;

  /**
   * @param clock read once per input; nothing else tells the time
   * @param maxBatch the most transitions in one attempt
   * @param queue the transitions waiting, owned by this schedule from now on
   * @param backoff the delays between failed rounds, owned by this schedule from now on
   * @param targets tried in this order for each batch; at least one
   * @param minInterval the least time between the starts of two rounds; zero: no pace
   * @throws IllegalArgumentException if {@code maxBatch} is not positive or there is no target
   */
  public DeliverySchedule(
      Clock clock,
      int maxBatch,
      DeliveryQueue queue,
      Backoff backoff,
      List<String> targets,
      Duration minInterval) {
    requireMaxBatch(maxBatch);
    this.targets = List.copyOf(targets);
    if (this.targets.isEmpty()) {
      throw new IllegalArgumentException("the channel has no target");
    }
    this.clock = Objects.requireNonNull(clock, "clock");
    this.maxBatch = maxBatch;
    this.queue = Objects.requireNonNull(queue, "queue");
    this.backoff = Objects.requireNonNull(backoff, "backoff");
    this.minInterval = Objects.requireNonNull(minInterval, "minInterval");
  }

  /**
   * @throws IllegalArgumentException if {@code maxBatch} is not positive
   */
  static void requireMaxBatch(int maxBatch) {
    if (maxBatch < 1) {
      throw new IllegalArgumentException("maxBatch must be at least 1, was " + maxBatch);
    }
  }

  /** A transition for this receiver arrives: it is queued, and goes at once if nothing keeps it. */
  public Arrival arrived(Notice notice) {
    Instant now = clock.instant();
    holds.arrived(notice, now);
    List<Notice> dropped = queue.offer(notice);
    Optional<Attempt> attempt = state == State.IDLE ? nextRound(now) : Optional.empty();
    return new Arrival(dropped, next(attempt, now));
  }

  /** The timer set for a {@link Next#wakeAt()} fired; early or stale wake-ups are harmless. */
  public Next woke() {
    Instant now = clock.instant();
    Optional<Attempt> attempt =
        switch (state) {
          case IDLE -> nextRound(now);
          case PACING -> now.isBefore(waitEnds) ? Optional.empty() : startRound(now);
          case BACKING_OFF -> now.isBefore(waitEnds) ? Optional.empty() : nextRound(now);
          case SENDING -> Optional.empty();
        };
    return next(attempt, now);
  }

  /**
   * The attempt in flight ended with {@code verdict}.
   *
   * @throws IllegalStateException if no attempt is in flight
   */
  public Settlement attempted(DeliveryOutcome.Verdict verdict) {
    if (state != State.SENDING) {
      throw new IllegalStateException("no attempt is in flight, the notifier is " + state);
    }
    Instant now = clock.instant();
    Attempt ended = inFlight;
    inFlight = null;
    Settled settled;
    Duration delay = Duration.ZERO;
    Optional<Attempt> attempt = Optional.empty();
    if (verdict != DeliveryOutcome.Verdict.RETRYABLE) {
      settled = verdict == DeliveryOutcome.Verdict.DELIVERED ? Settled.DELIVERED : Settled.REJECTED;
      // The receiver answered, so it is up: a later failure starts the back-off again.
      queue.ack();
      backoff.reset();
      attempt = nextRound(now);
    } else if (ended.targetIndex() < targets.size() - 1) {
      settled = Settled.NEXT_TARGET;
      int index = ended.targetIndex() + 1;
      attempt = Optional.of(send(new Attempt(targets.get(index), index, ended.notices())));
    } else {
      settled = Settled.BACKING_OFF;
      // Back to the queue, so that the next round also takes what arrived meanwhile, and a full
      // queue can collapse a transition of this batch into a newer one.
      queue.nack();
      delay = backoff.nextDelay();
      state = State.BACKING_OFF;
      waitEnds = now.plus(delay);
    }
    return new Settlement(settled, ended, delay, next(attempt, now));
  }

  /** When the notifier needs to be woken, as of now; empty if only an input can change anything. */
  public Optional<Instant> nextWake() {
    return nextWake(clock.instant());
  }

  public State state() {
    return state;
  }

  /** Transitions held, in flight included. */
  public int queued() {
    return queue.size();
  }

  /**
   * Transitions replaced by a newer transition of the same incident (see {@link DeliveryQueue}).
   */
  public long collapsed() {
    return queue.collapsed();
  }

  /** Takes the next batch now, or when the pace allows; idle if nothing is ready. */
  private Optional<Attempt> nextRound(Instant now) {
    if (!queue.hasReady(holds.held(now))) {
      state = State.IDLE;
      return Optional.empty();
    }
    if (now.isBefore(nextRoundAllowed)) {
      state = State.PACING;
      waitEnds = nextRoundAllowed;
      return Optional.empty();
    }
    return startRound(now);
  }

  private Optional<Attempt> startRound(Instant now) {
    if (!queue.hasReady(holds.held(now))) {
      state = State.IDLE;
      return Optional.empty();
    }
    nextRoundAllowed = now.plus(minInterval);
    List<Notice> batch = queue.takeBatch(maxBatch, holds.held(now));
    Attempt attempt = new Attempt(targets.get(0), 0, batch);
    // What this group gets meanwhile goes together, groupInterval after this send started.
    holds.sent(attempt.group(), now);
    return Optional.of(send(attempt));
  }

  private Attempt send(Attempt attempt) {
    state = State.SENDING;
    inFlight = attempt;
    return attempt;
  }

  private Next next(Optional<Attempt> attempt, Instant now) {
    return new Next(attempt, nextWake(now));
  }

  private Optional<Instant> nextWake(Instant now) {
    return switch (state) {
      case IDLE -> queue.hasWaiting() ? holds.nextRelease(now) : Optional.empty();
      case PACING, BACKING_OFF -> Optional.of(waitEnds);
      case SENDING -> Optional.empty();
    };
  }
}
