package io.flumesentinel.notify;

import static org.assertj.core.api.Assertions.assertThat;

import io.flumesentinel.alert.Router;
import io.flumesentinel.config.BackoffConfig;
import io.flumesentinel.config.GroupingConfig;
import io.flumesentinel.config.RouteConfig;
import io.flumesentinel.event.Alert;
import io.flumesentinel.event.Notice;
import io.flumesentinel.notify.DeliveryOutcome.Verdict;
import io.flumesentinel.notify.DeliverySchedule.Attempt;
import io.flumesentinel.notify.DeliverySchedule.Next;
import io.flumesentinel.testing.MutableClock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.TreeMap;
import java.util.stream.Collectors;

/**
 * Runs a {@link DeliverySchedule} as {@link NotifierVerticle} does, on a test clock that jumps from
 * one event to the next: transitions arriving at given times (routed by a root route with the
 * script's grouping), a receiver taking {@link #latency} for each attempt and answering the
 * scripted verdicts (then {@link Verdict#DELIVERED}), and the one timer the schedule asks for. No
 * time passes for real.
 *
 * <p>The answer is one line per attempt, such as {@code +150ms t1 {}:{host="b"} b1 b2}: when it
 * started, the target, the group key and the agents of the batch in order (a resolved transition
 * shows as {@code b1/resolved}). Events at the same time are taken in this order: the receiver's
 * answer, then arrivals in script order, then the timer.
 */
final class DeliveryScript {

  static final Instant T0 = Instant.parse("2026-11-22T10:00:00Z");

  /** One transition arriving at {@code atMs} after {@link #T0}. */
  record Step(long atMs, String kind, String alertname, String agent, String host) {
    @Override
    public String toString() {
      return "+" + atMs + "ms " + kind + " " + agent;
    }
  }

  /** {@code FlumeAgentDown} of {@code agent} on {@code host} fires, a new incident. */
  static Step down(long atMs, String agent, String host) {
    return new Step(atMs, "fire", "FlumeAgentDown", agent, host);
  }

  /** {@code FlumeAgentStuck} of {@code agent} on {@code host} fires, a new incident. */
  static Step stuck(long atMs, String agent, String host) {
    return new Step(atMs, "fire", "FlumeAgentStuck", agent, host);
  }

  /** The firing alert of {@code agent} resolves. */
  static Step up(long atMs, String agent) {
    return new Step(atMs, "resolve", null, agent, null);
  }

  /** {@code count} downs of agents {@code a1…} on host {@code host}, {@code everyMs} apart. */
  static List<Step> storm(long fromMs, long everyMs, int count, String host) {
    List<Step> steps = new ArrayList<>();
    for (int i = 1; i <= count; i++) {
      steps.add(down(fromMs + (i - 1) * everyMs, "a" + i, host));
    }
    return steps;
  }

  private GroupingConfig grouping = config(List.of("host"), Duration.ZERO, Duration.ZERO);
  private List<String> targets = List.of("t1");
  private int maxBatch = 100;
  private Duration pace = Duration.ZERO;
  private BackoffConfig backoff =
      new BackoffConfig(Duration.ofMillis(100), Duration.ofSeconds(1), 2.0, 0);
  private long latency = 10;
  private List<Verdict> answers = List.of();

  DeliveryScript grouping(List<String> groupBy, Duration groupWait, Duration groupInterval) {
    this.grouping = config(groupBy, groupWait, groupInterval);
    return this;
  }

  DeliveryScript groupWait(Duration groupWait) {
    return grouping(grouping.groupBy(), groupWait, grouping.groupInterval());
  }

  DeliveryScript groupInterval(Duration groupInterval) {
    return grouping(grouping.groupBy(), grouping.groupWait(), groupInterval);
  }

  DeliveryScript targets(String... targets) {
    this.targets = List.of(targets);
    return this;
  }

  DeliveryScript maxBatch(int maxBatch) {
    this.maxBatch = maxBatch;
    return this;
  }

  /** The receiver's {@link Channel#minInterval()}. */
  DeliveryScript pace(Duration pace) {
    this.pace = pace;
    return this;
  }

  DeliveryScript backoff(BackoffConfig backoff) {
    this.backoff = backoff;
    return this;
  }

  /** How long each attempt takes, in ms. */
  DeliveryScript latency(long latency) {
    this.latency = latency;
    return this;
  }

  /** The verdicts of the first attempts, in order; every later attempt is delivered. */
  DeliveryScript answers(Verdict... answers) {
    this.answers = List.of(answers);
    return this;
  }

  /** Runs {@code steps} (in time order) until nothing is left to do. */
  List<String> run(List<Step> steps) {
    MutableClock clock = new MutableClock(T0);
    Router router = Router.of(RouteConfig.root(List.of("r"), grouping, List.of()), List.of("r"));
    DeliverySchedule schedule =
        new DeliverySchedule(
            clock,
            maxBatch,
            new DeliveryQueue(1000),
            new Backoff(backoff, new Random(1)),
            targets,
            pace);
    Deque<Step> arrivals = new ArrayDeque<>(steps);
    Iterator<Verdict> verdicts = answers.iterator();
    Map<String, Alert> firing = new HashMap<>();
    List<String> lines = new ArrayList<>();
    Optional<Instant> wake = Optional.empty();
    Instant answerAt = null;
    for (int events = 0; events < 10_000; events++) {
      Instant arrivalAt = arrivals.isEmpty() ? null : T0.plusMillis(arrivals.peek().atMs());
      Instant now = earliest(answerAt, arrivalAt, wake.orElse(null));
      if (now == null) {
        return lines;
      }
      assertThat(now).as("time never goes back").isAfterOrEqualTo(clock.instant());
      clock.advance(Duration.between(clock.instant(), now));
      Next next;
      if (now.equals(answerAt)) {
        answerAt = null;
        next = schedule.attempted(verdicts.hasNext() ? verdicts.next() : Verdict.DELIVERED).next();
      } else if (now.equals(arrivalAt)) {
        Alert alert = transition(arrivals.poll(), now, firing);
        Notice notice = router.dispatches(alert).get(0).notice();
        DeliverySchedule.Arrival arrival = schedule.arrived(notice);
        assertThat(arrival.dropped()).isEmpty();
        next = arrival.next();
      } else {
        next = schedule.woke();
      }
      wake = next.wakeAt();
      if (next.attempt().isPresent()) {
        assertThat(answerAt).as("one attempt in flight at a time").isNull();
        lines.add(line(now, next.attempt().get()));
        answerAt = now.plusMillis(latency);
      }
    }
    throw new AssertionError("the schedule never settles: " + lines);
  }

  List<String> run(Step... steps) {
    return run(List.of(steps));
  }

  private static Alert transition(Step step, Instant now, Map<String, Alert> firing) {
    if (step.kind().equals("resolve")) {
      return firing.remove(step.agent()).resolve(now, Map.of());
    }
    TreeMap<String, String> labels = new TreeMap<>();
    labels.put(Alert.ALERTNAME, step.alertname());
    labels.put(Alert.AGENT, step.agent());
    labels.put("host", step.host());
    Alert alert = new Alert(Alert.Status.FIRING, labels, new TreeMap<>(), now, null, "");
    firing.put(step.agent(), alert);
    return alert;
  }

  private static String line(Instant now, Attempt attempt) {
    String agents =
        attempt.alerts().stream()
            .map(alert -> alert.firing() ? alert.agent() : alert.agent() + "/resolved")
            .collect(Collectors.joining(" "));
    return "+"
        + Duration.between(T0, now).toMillis()
        + "ms "
        + attempt.target()
        + " "
        + attempt.group().key()
        + " "
        + agents;
  }

  private static Instant earliest(Instant... instants) {
    Instant first = null;
    for (Instant instant : instants) {
      if (instant != null && (first == null || instant.isBefore(first))) {
        first = instant;
      }
    }
    return first;
  }

  private static GroupingConfig config(
      List<String> groupBy, Duration groupWait, Duration groupInterval) {
    return new GroupingConfig(groupBy, groupWait, groupInterval, Duration.ofHours(4));
  }
}
