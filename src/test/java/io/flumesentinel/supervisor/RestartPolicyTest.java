package io.flumesentinel.supervisor;

import static org.assertj.core.api.Assertions.assertThat;

import io.flumesentinel.supervisor.RestartPolicy.Decision;
import io.flumesentinel.supervisor.RestartPolicy.GiveUp;
import io.flumesentinel.supervisor.RestartPolicy.Mode;
import io.flumesentinel.supervisor.RestartPolicy.Restart;
import io.flumesentinel.supervisor.RestartPolicy.Settings;
import io.flumesentinel.supervisor.RestartPolicy.Stop;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class RestartPolicyTest {

  /** A clock the test moves by hand. */
  private static final class ManualClock extends Clock {
    private Instant now = Instant.parse("2026-01-01T00:00:00Z");

    void advance(long millis) {
      now = now.plusMillis(millis);
    }

    @Override
    public Instant instant() {
      return now;
    }

    @Override
    public java.time.ZoneId getZone() {
      return ZoneOffset.UTC;
    }

    @Override
    public Clock withZone(java.time.ZoneId zone) {
      return this;
    }
  }

  private static Settings settings(Mode mode) {
    return new Settings(
        mode,
        Duration.ofMillis(100),
        2.0,
        Duration.ofMillis(1000),
        Duration.ofSeconds(10),
        100,
        Duration.ofMinutes(1));
  }

  static Stream<Arguments> policyByExit() {
    return Stream.of(
        // mode, exit value, restarts?
        Arguments.of(Mode.ON_FAILURE, 0, false),
        Arguments.of(Mode.ON_FAILURE, 1, true),
        Arguments.of(Mode.ON_FAILURE, 137, true), // KILL
        Arguments.of(Mode.ON_FAILURE, 143, true), // TERM from someone else than the supervisor
        Arguments.of(Mode.ALWAYS, 0, true),
        Arguments.of(Mode.ALWAYS, 2, true),
        Arguments.of(Mode.NO, 0, false),
        Arguments.of(Mode.NO, 137, false));
  }

  @ParameterizedTest(name = "{0}, exit {1}: restart {2}")
  @MethodSource("policyByExit")
  void whichExitsRestart(Mode mode, int exitValue, boolean restarts) {
    RestartPolicy policy = new RestartPolicy(settings(mode), new ManualClock());
    policy.started();

    Decision decision = policy.exited(new ChildExit(exitValue));

    assertThat(decision).isInstanceOf(restarts ? Restart.class : Stop.class);
  }

  static Stream<Arguments> delays() {
    return Stream.of(
        // run length before each crash (ms), expected delays (ms)
        Arguments.of(
            List.of(50L, 50L, 50L, 50L, 50L, 50L), List.of(100L, 200L, 400L, 800L, 1000L, 1000L)),
        // a run of 10 s (resetAfter) starts the sequence again
        Arguments.of(List.of(50L, 50L, 10_000L, 50L), List.of(100L, 200L, 100L, 200L)),
        Arguments.of(List.of(50L, 9_999L, 50L), List.of(100L, 200L, 400L)));
  }

  @ParameterizedTest(name = "runs {0}: delays {1}")
  @MethodSource("delays")
  void delaysGrowExponentiallyUpToTheCapAndResetAfterALongRun(
      List<Long> runs, List<Long> expected) {
    ManualClock clock = new ManualClock();
    RestartPolicy policy = new RestartPolicy(settings(Mode.ON_FAILURE), clock);
    for (int i = 0; i < runs.size(); i++) {
      policy.started();
      clock.advance(runs.get(i));
      Decision decision = policy.exited(new ChildExit(137));
      assertThat(decision)
          .as("crash %d", i + 1)
          .isEqualTo(new Restart(Duration.ofMillis(expected.get(i))));
      clock.advance(expected.get(i));
    }
  }

  static Stream<Arguments> startLimits() {
    return Stream.of(
        // limit, window ms, time between starts ms, crashes until give-up (0: never within 10)
        Arguments.of(3, 60_000L, 10L, 3),
        Arguments.of(1, 60_000L, 10L, 1),
        Arguments.of(3, 1_000L, 600L, 0),
        Arguments.of(3, 1_000L, 400L, 0), // 0, 400, 800: never four within a second
        Arguments.of(3, 1_000L, 300L, 3)); // a fourth start at 900 ms would be one too many
  }

  @ParameterizedTest(name = "limit {0} in {1} ms, a start every {2} ms: gives up at crash {3}")
  @MethodSource("startLimits")
  void startLimitGivesUp(int limit, long windowMs, long everyMs, int giveUpAt) {
    ManualClock clock = new ManualClock();
    Settings s =
        new Settings(
            Mode.ON_FAILURE,
            Duration.ZERO,
            1.0,
            Duration.ZERO,
            Duration.ofHours(1),
            limit,
            Duration.ofMillis(windowMs));
    RestartPolicy policy = new RestartPolicy(s, clock);
    int gaveUpAt = 0;
    for (int crash = 1; crash <= 10 && gaveUpAt == 0; crash++) {
      policy.started();
      clock.advance(everyMs);
      Decision decision = policy.exited(new ChildExit(1));
      if (decision instanceof GiveUp giveUp) {
        gaveUpAt = crash;
        assertThat(giveUp.reason()).contains("start limit " + limit).contains("code 1");
      } else {
        assertThat(decision).isInstanceOf(Restart.class);
      }
    }
    assertThat(gaveUpAt).isEqualTo(giveUpAt);
  }

  @Test
  void modesParseAsSystemdSpellsThem() {
    assertThat(Mode.parse("on-failure")).isEqualTo(Mode.ON_FAILURE);
    assertThat(Mode.parse("always")).isEqualTo(Mode.ALWAYS);
    assertThat(Mode.parse("no")).isEqualTo(Mode.NO);
    org.assertj.core.api.Assertions.assertThatThrownBy(() -> Mode.parse("sometimes"))
        .hasMessage("'sometimes' is not one of on-failure, always, no");
  }

  static Stream<Arguments> exits() {
    return Stream.of(
        Arguments.of(0, 0, null),
        Arguments.of(1, 1, null),
        Arguments.of(128, 128, null),
        Arguments.of(137, null, "KILL"),
        Arguments.of(143, null, "TERM"),
        Arguments.of(134, null, "ABRT"),
        Arguments.of(139, null, "SEGV"),
        Arguments.of(130, null, "INT"),
        Arguments.of(160, 160, null),
        Arguments.of(255, 255, null));
  }

  @ParameterizedTest(name = "exit value {0}: code {1}, signal {2}")
  @MethodSource("exits")
  void exitValuesAbove128AreSignals(int exitValue, Integer code, String signal) {
    ChildExit exit = new ChildExit(exitValue);
    assertThat(exit.code()).isEqualTo(code);
    assertThat(exit.signal()).isEqualTo(signal);
  }

  @Test
  void theStderrTailKeepsTheLastLinesWithinBothBounds() {
    OutputTail tail = new OutputTail(3, 20);
    for (int i = 1; i <= 5; i++) {
      tail.add("line " + i);
    }
    assertThat(tail.text()).isEqualTo("line 4\nline 5");
    tail.add("x".repeat(30));
    assertThat(tail.text()).isEqualTo("x".repeat(20));
  }
}
