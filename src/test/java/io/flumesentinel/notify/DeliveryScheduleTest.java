package io.flumesentinel.notify;

import static io.flumesentinel.notify.DeliveryOutcome.Verdict.DELIVERED;
import static io.flumesentinel.notify.DeliveryOutcome.Verdict.PERMANENT;
import static io.flumesentinel.notify.DeliveryOutcome.Verdict.RETRYABLE;
import static io.flumesentinel.notify.DeliveryScript.down;
import static io.flumesentinel.notify.DeliveryScript.storm;
import static io.flumesentinel.notify.DeliveryScript.stuck;
import static io.flumesentinel.notify.DeliveryScript.up;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalStateException;

import io.flumesentinel.config.BackoffConfig;
import io.flumesentinel.notify.DeliveryScript.Step;
import io.flumesentinel.testing.MutableClock;
import io.flumesentinel.testing.TestAlerts;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The notifier's decisions, table-driven on a test clock: transitions arriving at given times, a
 * receiver answering after a latency, and the attempts the schedule starts, when, where and with
 * what (see {@link DeliveryScript} for the lines). Unless a row says otherwise: grouped by {@code
 * host}, no groupWait nor groupInterval, one target {@code t1}, 10 ms per attempt, every attempt
 * delivered, back-off 100 ms doubling up to 1 s without jitter.
 */
class DeliveryScheduleTest {

  private static final String A = "{}:{host=\"a\"}";
  private static final String B = "{}:{host=\"b\"}";

  static Stream<Arguments> grouping() {
    return Stream.of(
        Arguments.of(
            "groupWait 0: the first alert goes at once, the rest go one send per group, the group"
                + " of the oldest first, each in arrival order",
            new DeliveryScript().latency(150),
            List.of(
                down(0, "a1", "a"),
                down(0, "b1", "b"),
                down(0, "a2", "a"),
                down(0, "b2", "b"),
                down(0, "a3", "a")),
            List.of(
                "+0ms t1 " + A + " a1", "+150ms t1 " + B + " b1 b2", "+300ms t1 " + A + " a2 a3")),
        Arguments.of(
            "groupWait: a new group waits for its siblings, then its later alerts go at once",
            new DeliveryScript().groupWait(Duration.ofSeconds(1)),
            List.of(down(0, "a1", "a"), down(100, "a2", "a"), down(2000, "a3", "a")),
            List.of("+1000ms t1 " + A + " a1 a2", "+2000ms t1 " + A + " a3")),
        Arguments.of(
            "groupWait: while a new group waits, a group that fires already is not held back",
            new DeliveryScript().groupWait(Duration.ofSeconds(2)),
            List.of(down(0, "b1", "b"), down(3000, "a1", "a"), down(3000, "b2", "b")),
            List.of(
                "+2000ms t1 " + B + " b1", "+3000ms t1 " + B + " b2", "+5000ms t1 " + A + " a1")),
        Arguments.of(
            "groupWait: a group whose alerts all resolved is new again",
            new DeliveryScript().groupWait(Duration.ofSeconds(1)),
            List.of(down(0, "a1", "a"), up(1500, "a1"), down(2000, "a2", "a")),
            List.of(
                "+1000ms t1 " + A + " a1",
                "+1500ms t1 " + A + " a1/resolved",
                "+3000ms t1 " + A + " a2")),
        Arguments.of(
            "groupInterval: after a send, the group's next alerts wait for the interval from the"
                + " send's start and go together; other groups are not held",
            new DeliveryScript().groupInterval(Duration.ofSeconds(1)),
            List.of(
                down(0, "a1", "a"),
                down(100, "a2", "a"),
                down(120, "b1", "b"),
                down(150, "a3", "a"),
                down(200, "a4", "a"),
                down(1500, "b2", "b"),
                down(1500, "a5", "a")),
            List.of(
                "+0ms t1 " + A + " a1",
                "+120ms t1 " + B + " b1",
                "+1000ms t1 " + A + " a2 a3 a4",
                "+1500ms t1 " + B + " b2",
                "+2000ms t1 " + A + " a5")),
        Arguments.of(
            "groupWait and groupInterval: the first send after the wait, the next after the"
                + " interval",
            new DeliveryScript()
                .groupWait(Duration.ofMillis(500))
                .groupInterval(Duration.ofSeconds(2)),
            List.of(down(0, "a1", "a"), down(600, "a2", "a"), down(700, "a3", "a")),
            List.of("+500ms t1 " + A + " a1", "+2500ms t1 " + A + " a2 a3")),
        Arguments.of(
            "maxBatch: a group's backlog goes in order, maxBatch at a time",
            new DeliveryScript().maxBatch(2).latency(100),
            storm(0, 10, 6, "a"),
            List.of(
                "+0ms t1 " + A + " a1",
                "+100ms t1 " + A + " a2 a3",
                "+200ms t1 " + A + " a4 a5",
                "+300ms t1 " + A + " a6")));
  }

  static Stream<Arguments> groupBy() {
    List<Step> steps =
        List.of(
            down(0, "a1", "h1"), down(10, "a2", "h2"), stuck(20, "a3", "h1"), down(30, "a4", "h1"));
    String down = "alertname=\"FlumeAgentDown\"";
    String stuck = "alertname=\"FlumeAgentStuck\"";
    return Stream.of(
        Arguments.of(
            List.of("alertname"),
            steps,
            List.of(
                "+0ms t1 {}:{" + down + "} a1",
                "+100ms t1 {}:{" + down + "} a2 a4",
                "+200ms t1 {}:{" + stuck + "} a3")),
        Arguments.of(
            List.of("alertname", "host"),
            steps,
            List.of(
                "+0ms t1 {}:{" + down + ", host=\"h1\"} a1",
                "+100ms t1 {}:{" + down + ", host=\"h2\"} a2",
                "+200ms t1 {}:{" + stuck + ", host=\"h1\"} a3",
                "+300ms t1 {}:{" + down + ", host=\"h1\"} a4")),
        Arguments.of(List.of(), steps, List.of("+0ms t1 {}:{} a1", "+100ms t1 {}:{} a2 a3 a4")),
        Arguments.of(
            List.of("..."),
            steps,
            List.of(
                "+0ms t1 {}:{agent=\"a1\", " + down + ", host=\"h1\"} a1",
                "+100ms t1 {}:{agent=\"a2\", " + down + ", host=\"h2\"} a2",
                "+200ms t1 {}:{agent=\"a3\", " + stuck + ", host=\"h1\"} a3",
                "+300ms t1 {}:{agent=\"a4\", " + down + ", host=\"h1\"} a4")),
        Arguments.of(
            List.of("dc"), steps, List.of("+0ms t1 {}:{} a1", "+100ms t1 {}:{} a2 a3 a4")));
  }

  static Stream<Arguments> delivery() {
    BackoffConfig capped = new BackoffConfig(Duration.ofMillis(100), Duration.ofMillis(300), 2, 0);
    return Stream.of(
        Arguments.of(
            "a failed batch goes again before anything newer of its group, with what came"
                + " meanwhile",
            new DeliveryScript().answers(RETRYABLE),
            List.of(down(0, "a1", "a"), down(50, "a2", "a")),
            List.of("+0ms t1 " + A + " a1", "+110ms t1 " + A + " a1 a2")),
        Arguments.of(
            "failover: a retryable failure tries the next target at once with the same batch;"
                + " each batch starts from the first target",
            new DeliveryScript().targets("t1", "t2").answers(RETRYABLE, DELIVERED, RETRYABLE),
            List.of(down(0, "a1", "a"), down(100, "a2", "a")),
            List.of(
                "+0ms t1 " + A + " a1",
                "+10ms t2 " + A + " a1",
                "+100ms t1 " + A + " a2",
                "+110ms t2 " + A + " a2")),
        Arguments.of(
            "back-off: every target failed, the batch waits 100, 200, 300 (the cap), 300 ms;"
                + " a success resets it",
            new DeliveryScript()
                .targets("t1", "t2")
                .backoff(capped)
                .answers(
                    RETRYABLE, RETRYABLE, RETRYABLE, RETRYABLE, RETRYABLE, RETRYABLE, RETRYABLE,
                    RETRYABLE, DELIVERED, RETRYABLE, RETRYABLE),
            List.of(down(0, "a1", "a"), down(2000, "b1", "b")),
            List.of(
                "+0ms t1 " + A + " a1",
                "+10ms t2 " + A + " a1",
                "+120ms t1 " + A + " a1",
                "+130ms t2 " + A + " a1",
                "+340ms t1 " + A + " a1",
                "+350ms t2 " + A + " a1",
                "+660ms t1 " + A + " a1",
                "+670ms t2 " + A + " a1",
                "+980ms t1 " + A + " a1",
                "+2000ms t1 " + B + " b1",
                "+2010ms t2 " + B + " b1",
                "+2120ms t1 " + B + " b1")),
        Arguments.of(
            "a permanent refusal is neither retried nor failed over, and does not hold later"
                + " alerts back",
            new DeliveryScript().targets("t1", "t2").answers(PERMANENT),
            List.of(down(0, "a1", "a"), down(5, "a2", "a")),
            List.of("+0ms t1 " + A + " a1", "+10ms t1 " + A + " a2")),
        Arguments.of(
            "a permanent refusal resets the back-off",
            new DeliveryScript().answers(RETRYABLE, RETRYABLE, PERMANENT, RETRYABLE),
            List.of(down(0, "a1", "a"), down(1000, "a2", "a")),
            List.of(
                "+0ms t1 " + A + " a1",
                "+110ms t1 " + A + " a1",
                "+320ms t1 " + A + " a1",
                "+1000ms t1 " + A + " a2",
                "+1110ms t1 " + A + " a2")));
  }

  static Stream<Arguments> pacing() {
    Duration twentyAMinute = Duration.ofSeconds(3);
    return Stream.of(
        Arguments.of(
            "20 messages a minute: thirty alerts within a second go in two messages, 3 s apart",
            new DeliveryScript().pace(twentyAMinute).latency(100),
            storm(0, 30, 30, "a"),
            List.of("+0ms t1 " + A + " a1", "+3000ms t1 " + A + " " + agents(2, 30))),
        Arguments.of(
            "20 messages a minute with maxBatch 10: one batch every 3 s until the backlog is out",
            new DeliveryScript().pace(twentyAMinute).maxBatch(10).latency(100),
            storm(0, 30, 30, "a"),
            List.of(
                "+0ms t1 " + A + " a1",
                "+3000ms t1 " + A + " " + agents(2, 11),
                "+6000ms t1 " + A + " " + agents(12, 21),
                "+9000ms t1 " + A + " " + agents(22, 30))),
        Arguments.of(
            "the pace counts from the start of the last round: an alert after it goes at once",
            new DeliveryScript().pace(twentyAMinute),
            List.of(down(0, "a1", "a"), down(2000, "a2", "a"), down(8000, "a3", "a")),
            List.of("+0ms t1 " + A + " a1", "+3000ms t1 " + A + " a2", "+8000ms t1 " + A + " a3")),
        Arguments.of(
            "each group its own message, paced like any other",
            new DeliveryScript().pace(Duration.ofSeconds(1)),
            List.of(down(0, "a1", "a"), down(10, "b1", "b"), down(20, "a2", "a")),
            List.of("+0ms t1 " + A + " a1", "+1000ms t1 " + B + " b1", "+2000ms t1 " + A + " a2")),
        Arguments.of(
            "a retry waits out the pace too, even when the back-off is shorter",
            new DeliveryScript().pace(twentyAMinute).latency(100).answers(RETRYABLE),
            List.of(down(0, "a1", "a")),
            List.of("+0ms t1 " + A + " a1", "+3000ms t1 " + A + " a1")),
        Arguments.of(
            "a back-off longer than the pace is waited out in full",
            new DeliveryScript()
                .pace(Duration.ofMillis(50))
                .answers(RETRYABLE)
                .backoff(new BackoffConfig(Duration.ofSeconds(2), Duration.ofSeconds(2), 2, 0)),
            List.of(down(0, "a1", "a")),
            List.of("+0ms t1 " + A + " a1", "+2010ms t1 " + A + " a1")));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("grouping")
  void groupsAsTheRouteSays(
      String name, DeliveryScript script, List<Step> steps, List<String> sent) {
    assertThat(script.run(steps)).containsExactlyElementsOf(sent);
  }

  @ParameterizedTest(name = "groupBy {0}")
  @MethodSource("groupBy")
  void oneMessagePerGroupAsGroupByMakesIt(
      List<String> groupBy, List<Step> steps, List<String> sent) {
    DeliveryScript script =
        new DeliveryScript().grouping(groupBy, Duration.ZERO, Duration.ZERO).latency(100);
    assertThat(script.run(steps)).containsExactlyElementsOf(sent);
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("delivery")
  void failsOverRetriesAndBacksOff(
      String name, DeliveryScript script, List<Step> steps, List<String> sent) {
    assertThat(script.run(steps)).containsExactlyElementsOf(sent);
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("pacing")
  void keepsTheReceiversPace(
      String name, DeliveryScript script, List<Step> steps, List<String> sent) {
    assertThat(script.run(steps)).containsExactlyElementsOf(sent);
  }

  @Test
  void anEarlyOrStaleWakeUpChangesNothing() {
    MutableClock clock = new MutableClock(DeliveryScript.T0);
    DeliverySchedule schedule = schedule(clock, Duration.ofSeconds(3));
    assertThat(schedule.arrived(TestAlerts.notice(TestAlerts.firing("a1"))).next().attempt())
        .isPresent();
    clock.advance(Duration.ofMillis(10));
    assertThat(schedule.attempted(DELIVERED).next().wakeAt()).isEmpty();

    DeliverySchedule.Next paced =
        schedule.arrived(TestAlerts.notice(TestAlerts.firing("a2"))).next();
    assertThat(paced.attempt()).isEmpty();
    assertThat(paced.wakeAt()).contains(DeliveryScript.T0.plusSeconds(3));
    assertThat(schedule.state()).isEqualTo(DeliverySchedule.State.PACING);

    clock.advance(Duration.ofSeconds(1));
    assertThat(schedule.woke()).isEqualTo(paced);

    clock.advance(Duration.ofSeconds(2));
    assertThat(schedule.woke().attempt()).isPresent();
    assertThat(schedule.woke().attempt()).as("in flight: a stale wake-up").isEmpty();
    assertThat(schedule.state()).isEqualTo(DeliverySchedule.State.SENDING);
  }

  @Test
  void anOutcomeWithoutAnAttemptInFlightIsABug() {
    DeliverySchedule schedule = schedule(new MutableClock(DeliveryScript.T0), Duration.ZERO);

    assertThatIllegalStateException()
        .isThrownBy(() -> schedule.attempted(DELIVERED))
        .withMessageContaining("IDLE");
  }

  @Test
  void theQueueSizeCountsTheBatchInFlight() {
    DeliverySchedule schedule = schedule(new MutableClock(DeliveryScript.T0), Duration.ZERO);

    schedule.arrived(TestAlerts.notice(TestAlerts.firing("a1")));
    schedule.arrived(TestAlerts.notice(TestAlerts.firing("a2")));
    assertThat(schedule.queued()).isEqualTo(2);

    schedule.attempted(DELIVERED);
    assertThat(schedule.queued()).isEqualTo(1);
  }

  private static DeliverySchedule schedule(MutableClock clock, Duration pace) {
    return new DeliverySchedule(
        clock,
        10,
        new DeliveryQueue(10),
        new Backoff(BackoffConfig.defaults(), new Random(1)),
        List.of("t1"),
        pace);
  }

  private static String agents(int from, int to) {
    List<String> agents = new ArrayList<>();
    for (int i = from; i <= to; i++) {
      agents.add("a" + i);
    }
    return String.join(" ", agents);
  }
}
