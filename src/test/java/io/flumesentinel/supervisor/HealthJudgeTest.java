package io.flumesentinel.supervisor;

import static org.assertj.core.api.Assertions.assertThat;

import io.flumesentinel.protocol.Health;
import io.flumesentinel.protocol.Health.Status;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The stuck/hung decision, table-driven: a run of looks at the metrics, each at a time, and the
 * verdicts.
 */
class HealthJudgeTest {

  private static final HealthJudge.Settings SETTINGS =
      new HealthJudge.Settings(90, Duration.ofMillis(1000), Duration.ofMillis(5000));

  /** One look: at {@code atMs} after the start, the fill of c1 (or no answer when {@code null}). */
  record Look(long atMs, Double fill) {
    static Look full(long atMs) {
      return new Look(atMs, 100.0);
    }

    static Look fill(long atMs, double percent) {
      return new Look(atMs, percent);
    }

    static Look silent(long atMs) {
      return new Look(atMs, null);
    }
  }

  static Stream<Arguments> runs() {
    return Stream.of(
        Arguments.of(
            "healthy stays OK, nothing reported",
            List.of(Look.fill(0, 10), Look.fill(500, 50), Look.fill(5000, 89.9)),
            List.of()),
        Arguments.of(
            "full for less than the stuck time is not reported",
            List.of(Look.full(0), Look.full(999), Look.fill(1200, 20)),
            List.of()),
        Arguments.of(
            "full for the stuck time is STUCK, once",
            List.of(Look.full(0), Look.full(500), Look.full(1000), Look.full(1500)),
            List.of(Status.STUCK)),
        Arguments.of(
            "the threshold itself counts as full",
            List.of(Look.fill(0, 90), Look.fill(1000, 90)),
            List.of(Status.STUCK)),
        Arguments.of(
            "a dip below the threshold starts the stuck time over",
            List.of(
                Look.full(0), Look.fill(800, 50), Look.full(900), Look.full(1800), Look.full(1900)),
            List.of(Status.STUCK)),
        Arguments.of(
            "stuck, then drained: OK again",
            List.of(Look.full(0), Look.full(1000), Look.fill(1200, 30)),
            List.of(Status.STUCK, Status.OK)),
        Arguments.of(
            "answers that stop for the stuck time are HUNG, once",
            List.of(
                Look.fill(0, 1),
                Look.silent(200),
                Look.silent(1100),
                Look.silent(1200),
                Look.silent(3000)),
            List.of(Status.HUNG)),
        Arguments.of(
            "a short silence is nothing",
            List.of(Look.fill(0, 1), Look.silent(200), Look.silent(900), Look.fill(1300, 1)),
            List.of()),
        Arguments.of(
            "hung, then answering again: OK",
            List.of(Look.fill(0, 1), Look.silent(100), Look.silent(1100), Look.fill(1300, 5)),
            List.of(Status.HUNG, Status.OK)),
        Arguments.of(
            "before the first answer the start grace applies",
            List.of(Look.silent(200), Look.silent(1200), Look.silent(4900), Look.fill(5100, 0)),
            List.of()),
        Arguments.of(
            "never answering within the start grace is HUNG",
            List.of(Look.silent(200), Look.silent(4000), Look.silent(5000)),
            List.of(Status.HUNG)),
        Arguments.of(
            "a silence while stuck keeps STUCK until it lasts the stuck time",
            List.of(
                Look.full(0),
                Look.full(1000),
                Look.silent(1200),
                Look.silent(2000),
                Look.silent(2200)),
            List.of(Status.STUCK, Status.HUNG)),
        Arguments.of(
            "hung, then answering with a channel full all along: STUCK",
            List.of(Look.full(0), Look.silent(200), Look.silent(1200), Look.full(1400)),
            List.of(Status.HUNG, Status.STUCK)),
        Arguments.of(
            "hung, then answering with a channel just full: OK until the stuck time",
            List.of(
                Look.fill(0, 0),
                Look.silent(200),
                Look.silent(1200),
                Look.full(1400),
                Look.full(2400)),
            List.of(Status.HUNG, Status.OK, Status.STUCK)));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("runs")
  void reportsEachChangeOnce(String name, List<Look> looks, List<Status> expected) {
    MutableClock clock = new MutableClock();
    HealthJudge judge = new HealthJudge(SETTINGS, clock);
    List<Status> reported = new ArrayList<>();
    for (Look look : looks) {
      clock.at(look.atMs());
      Health changed =
          look.fill() == null
              ? judge.unanswered("ConnectException")
              : judge.answered(Map.of("c1", look.fill()));
      if (changed != null) {
        reported.add(changed.status());
        assertThat(judge.status()).isEqualTo(changed);
      }
    }
    assertThat(reported).isEqualTo(expected);
  }

  @Test
  void stuckSaysWhichChannelHowFullAndSinceWhen() {
    MutableClock clock = new MutableClock();
    HealthJudge judge = new HealthJudge(SETTINGS, clock);
    clock.at(100);
    judge.answered(Map.of("c1", 40.0, "c2", 95.5, "c3", 99.9));
    clock.at(1100);
    Health stuck = judge.answered(Map.of("c1", 40.0, "c2", 95.5, "c3", 99.9));

    assertThat(stuck.status()).isEqualTo(Status.STUCK);
    assertThat(stuck.since()).isEqualTo(MutableClock.START.plusMillis(100));
    assertThat(stuck.details())
        .containsEntry("channel", "c3")
        .containsEntry("fillPercent", "99.9")
        .containsEntry("thresholdPercent", "90");
    assertThat(stuck.reason()).contains("c3").contains("99.9");
  }

  @Test
  void hungSaysWhatFailed() {
    MutableClock clock = new MutableClock();
    HealthJudge judge = new HealthJudge(SETTINGS, clock);
    judge.answered(Map.of());
    clock.at(300);
    judge.unanswered("HttpConnectTimeoutException: HTTP connect timed out");
    clock.at(1300);
    Health hung = judge.unanswered("HttpConnectTimeoutException: HTTP connect timed out");

    assertThat(hung.status()).isEqualTo(Status.HUNG);
    assertThat(hung.since()).isEqualTo(MutableClock.START.plusMillis(300));
    assertThat(hung.details())
        .containsEntry("error", "HttpConnectTimeoutException: HTTP connect timed out")
        .containsEntry("silentForMs", "1000");
  }

  @Test
  void readsFlumeMetricsJson() {
    String body =
        "{\"CHANNEL.c1\":{\"ChannelCapacity\":\"1000\",\"ChannelFillPercentage\":\"54.800000000000004\"},"
            + "\"CHANNEL.c2\":{\"ChannelFillPercentage\":\"oops\"},\"SOURCE.r1\":{\"EventAcceptedCount\":\"5\"},"
            + "\"CHANNEL.c3\":{\"ChannelFillPercentage\":100.0}}";
    assertThat(FlumeMetricsPoller.channelFill(body))
        .containsOnly(Map.entry("c1", 54.800000000000004), Map.entry("c3", 100.0));
    assertThat(FlumeMetricsPoller.channelFill("{}")).isEmpty();
    assertThat(FlumeMetricsPoller.channelFill("<html>")).isNull();
    assertThat(FlumeMetricsPoller.channelFill("[1]")).isNull();
  }

  private static final class MutableClock extends Clock {
    static final Instant START = Instant.parse("2026-01-01T00:00:00Z");
    private Instant now = START;

    void at(long ms) {
      now = START.plusMillis(ms);
    }

    @Override
    public Instant instant() {
      return now;
    }

    @Override
    public ZoneOffset getZone() {
      return ZoneOffset.UTC;
    }

    @Override
    public Clock withZone(java.time.ZoneId zone) {
      return this;
    }
  }
}
