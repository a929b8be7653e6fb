package io.flumesentinel.supervisor;

import static org.assertj.core.api.Assertions.assertThat;

import io.flumesentinel.protocol.FlowVerdict;
import io.flumesentinel.protocol.Health;
import io.flumesentinel.supervisor.FlumeMetrics.Component;
import io.flumesentinel.supervisor.FlumeMetrics.Type;
import io.flumesentinel.testing.MutableClock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.IntFunction;
import java.util.stream.IntStream;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The flow checks, table-driven: a run of metrics snapshots, each at a time after the start, and
 * the verdicts standing after each change ("+MS [CHECK/component, …]").
 */
class FlowJudgeTest {

  private static final Instant T0 = Instant.parse("2026-11-30T10:00:00Z");

  /** Short times, so that rows read in seconds. */
  private static FlowJudge.Settings settings(Set<String> idleSources) {
    return new FlowJudge.Settings(
        idleSources,
        Duration.ofSeconds(10),
        Duration.ofSeconds(10),
        Duration.ofSeconds(20),
        Duration.ofSeconds(60),
        Duration.ofSeconds(10));
  }

  private static final FlowJudge.Settings NO_IDLE = settings(Set.of());

  private static void moveTo(MutableClock clock, Instant at) {
    clock.advance(Duration.between(clock.instant(), at));
  }

  /** One snapshot of the metrics at {@code atMs}. */
  record Look(long atMs, List<Component> components) {
    static Look at(long atMs) {
      return new Look(atMs, List.of());
    }

    Look with(Type type, String name, Object... counterValues) {
      Map<String, Double> values = new LinkedHashMap<>();
      for (int i = 0; i < counterValues.length; i += 2) {
        values.put((String) counterValues[i], ((Number) counterValues[i + 1]).doubleValue());
      }
      List<Component> more = new ArrayList<>(components);
      more.add(new Component(type, name, values));
      return new Look(atMs, more);
    }

    Look source(String name, long received) {
      return with(Type.SOURCE, name, "EventReceivedCount", received, "EventAcceptedCount", 0);
    }

    Look sink(String name, long drained) {
      return with(Type.SINK, name, "EventDrainSuccessCount", drained, "ConnectionFailedCount", 0);
    }

    Look channel(String name, long size, double fill) {
      return with(
          Type.CHANNEL,
          name,
          "ChannelSize",
          size,
          "ChannelFillPercentage",
          fill,
          "ChannelCapacity",
          1000);
    }

    @Override
    public String toString() {
      return "+" + atMs;
    }
  }

  /** Looks every {@code stepMs} from 0 to {@code untilMs}, each made by {@code look}. */
  private static List<Look> every(long stepMs, long untilMs, IntFunction<Look> look) {
    return IntStream.rangeClosed(0, (int) (untilMs / stepMs)).mapToObj(look).toList();
  }

  private static List<Look> concat(List<Look> first, List<Look> second) {
    List<Look> all = new ArrayList<>(first);
    all.addAll(second);
    return all;
  }

  static Stream<Arguments> runs() {
    return Stream.of(
        Arguments.of(
            "a sink that drains nothing while its channel holds events is stalled, until it drains",
            NO_IDLE,
            concat(
                every(5000, 15000, i -> Look.at(i * 5000L).sink("k1", 3).channel("c1", 50, 5)),
                List.of(Look.at(20000).sink("k1", 4).channel("c1", 49, 4.9))),
            List.of("+10000 [SINK_STALLED/k1]", "+20000 []")),
        Arguments.of(
            "a sink with an empty channel is not stalled",
            NO_IDLE,
            every(5000, 60000, i -> Look.at(i * 5000L).sink("k1", 3).channel("c1", 0, 0)),
            List.of()),
        Arguments.of(
            "a sink that drains is not stalled",
            NO_IDLE,
            every(5000, 60000, i -> Look.at(i * 5000L).sink("k1", i).channel("c1", 50, 5)),
            List.of()),
        Arguments.of(
            "an empty channel on the way clears the stall",
            NO_IDLE,
            List.of(
                Look.at(0).sink("k1", 0).channel("c1", 5, 0.5),
                Look.at(10000).sink("k1", 0).channel("c1", 5, 0.5),
                Look.at(12000).sink("k1", 0).channel("c1", 0, 0),
                Look.at(14000).sink("k1", 0).channel("c1", 5, 0.5),
                Look.at(20000).sink("k1", 0).channel("c1", 5, 0.5),
                Look.at(24000).sink("k1", 0).channel("c1", 5, 0.5)),
            List.of("+10000 [SINK_STALLED/k1]", "+12000 []", "+24000 [SINK_STALLED/k1]")),
        Arguments.of(
            "an expected source that receives nothing is idle, until it receives",
            settings(Set.of("r1")),
            List.of(
                Look.at(0).source("r1", 7).source("r2", 0),
                Look.at(9999).source("r1", 7).source("r2", 0),
                Look.at(10000).source("r1", 7).source("r2", 0),
                Look.at(15000).source("r1", 8).source("r2", 0)),
            List.of("+10000 [SOURCE_IDLE/r1]", "+15000 []")),
        Arguments.of(
            "a source not expected to receive is never idle",
            NO_IDLE,
            every(5000, 60000, i -> Look.at(i * 5000L).source("r1", 0)),
            List.of()),
        Arguments.of(
            "'*' expects every source",
            settings(Set.of("*")),
            every(5000, 10000, i -> Look.at(i * 5000L).source("r1", 0).source("r2", 0)),
            List.of("+10000 [SOURCE_IDLE/r1, SOURCE_IDLE/r2]")),
        Arguments.of(
            "a channel filling 1 %/s is reported once full within 60 s is predicted",
            NO_IDLE,
            every(1000, 35000, i -> Look.at(i * 1000L).channel("c1", 100 + 10 * i, 10.2 + i)),
            List.of("+30000 [CHANNEL_FILLING/c1]")),
        Arguments.of(
            "a filling channel that drains again clears",
            NO_IDLE,
            concat(
                every(1000, 30000, i -> Look.at(i * 1000L).channel("c1", 100 + 10 * i, 10.2 + i)),
                every(
                    1000,
                    20000,
                    i -> Look.at(31000 + i * 1000L).channel("c1", 400 - 20 * i, 40 - 2 * i))),
            List.of("+30000 [CHANNEL_FILLING/c1]", "+36000 []")),
        Arguments.of(
            "a channel filling slowly is not reported",
            NO_IDLE,
            every(1000, 60000, i -> Look.at(i * 1000L).channel("c1", 10 + i, 1 + 0.1 * i)),
            List.of()),
        Arguments.of(
            "rising error counters are reported until they are quiet",
            NO_IDLE,
            List.of(
                Look.at(0).with(Type.SINK, "k1", "ConnectionFailedCount", 1),
                Look.at(5000).with(Type.SINK, "k1", "ConnectionFailedCount", 2),
                Look.at(10000).with(Type.SINK, "k1", "ConnectionFailedCount", 2),
                Look.at(14999).with(Type.SINK, "k1", "ConnectionFailedCount", 2),
                Look.at(15000).with(Type.SINK, "k1", "ConnectionFailedCount", 2)),
            List.of("+0 [AGENT_ERRORS/k1]", "+15000 []")),
        Arguments.of(
            "counters at 0 are no errors",
            NO_IDLE,
            every(
                5000,
                30000,
                i -> Look.at(i * 5000L).with(Type.SOURCE, "r1", "ChannelWriteFail", 0)),
            List.of()),
        Arguments.of(
            "a component gone from the metrics takes its verdicts with it",
            NO_IDLE,
            List.of(
                Look.at(0).with(Type.SOURCE, "r1", "ChannelWriteFail", 3),
                Look.at(1000).with(Type.SOURCE, "r2", "ChannelWriteFail", 0)),
            List.of("+0 [AGENT_ERRORS/r1]", "+1000 []")));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("runs")
  void verdicts(String name, FlowJudge.Settings settings, List<Look> looks, List<String> expected) {
    MutableClock clock = new MutableClock(T0);
    FlowJudge judge = new FlowJudge(settings, FlumeTopology.UNKNOWN, clock);
    List<String> changes = new ArrayList<>();
    for (Look look : looks) {
      moveTo(clock, T0.plusMillis(look.atMs()));
      if (judge.look(new FlumeMetrics(look.components()), FlowJudge.ComponentLines.NONE)) {
        changes.add(
            "+"
                + look.atMs()
                + " "
                + judge.verdicts().stream().map(FlowVerdict::key).sorted().toList());
      }
    }
    assertThat(changes).isEqualTo(expected);
  }

  @Test
  void aStalledSinkCarriesItsFiguresAndLinesAsFirstSeen() {
    MutableClock clock = new MutableClock(T0);
    FlowJudge judge =
        new FlowJudge(NO_IDLE, new FlumeTopology(Map.of("k1", "c2", "k2", "c1")), clock);
    FlowJudge.ComponentLines lines =
        (component, components) ->
            component.equals("k1") ? List.of("WARN sink k1 refused", "Caused by: x") : List.of();
    for (int i = 0; i <= 4; i++) {
      moveTo(clock, T0.plusSeconds(5L * i));
      judge.look(
          new FlumeMetrics(
              Look.at(0)
                  .sink("k1", 0)
                  .sink("k2", i)
                  .channel("c1", 0, 0)
                  .channel("c2", 40 + i, 4 + 0.1 * i)
                  .components()),
          lines);
    }

    assertThat(judge.verdicts())
        .singleElement()
        .satisfies(
            v -> {
              assertThat(v.check()).isEqualTo(FlowVerdict.Check.SINK_STALLED);
              assertThat(v.component()).isEqualTo("k1");
              assertThat(v.since()).isEqualTo(T0);
              assertThat(v.figures())
                  .containsEntry("channel", "c2")
                  .containsEntry("channelSize", "42")
                  .containsEntry("EventDrainSuccessCount", "0")
                  .containsEntry("stalledForSeconds", "10")
                  .containsEntry("thresholdSeconds", "10");
              assertThat(v.reason())
                  .isEqualTo("sink k1 drained nothing for 10 s while channel c2 holds 42 events");
              assertThat(v.lines()).containsExactly("WARN sink k1 refused", "Caused by: x");
            });
  }

  @Test
  void aFillingChannelCarriesThePredictedTimeToFull() {
    MutableClock clock = new MutableClock(T0);
    FlowJudge judge = new FlowJudge(NO_IDLE, FlumeTopology.UNKNOWN, clock);
    for (int i = 0; i <= 30; i++) {
      moveTo(clock, T0.plusSeconds(i));
      judge.look(
          new FlumeMetrics(Look.at(0).channel("c1", 100 + 10 * i, 10.2 + i).components()),
          FlowJudge.ComponentLines.NONE);
    }

    FlowVerdict filling = judge.verdicts().get(0);
    assertThat(filling.figures())
        .containsEntry("predictedFullInSeconds", "60")
        .containsEntry("predictedFullAt", "2026-11-30T10:01:29Z")
        .containsEntry("fillPercent", "40.2")
        .containsEntry("fillPercentPerMinute", "60.0")
        .containsEntry("ChannelCapacity", "1000");
    assertThat(filling.reason()).contains("full in 60 s");
  }

  @Test
  void theHealthJudgeReportsAVerdictAsAChangeAndCarriesIt() {
    MutableClock clock = new MutableClock(T0);
    HealthJudge judge =
        new HealthJudge(
            new HealthJudge.Settings(90, Duration.ofSeconds(60), Duration.ofSeconds(60)),
            NO_IDLE,
            FlumeTopology.UNKNOWN,
            clock);
    FlumeMetrics errors =
        new FlumeMetrics(Look.at(0).with(Type.SINK, "k1", "EventWriteFail", 2).components());

    Health first = judge.answered(errors, FlowJudge.ComponentLines.NONE);
    moveTo(clock, T0.plusSeconds(1));
    Health second = judge.answered(errors, FlowJudge.ComponentLines.NONE);

    assertThat(first.status()).isEqualTo(Health.Status.OK);
    assertThat(first.flow()).extracting(FlowVerdict::key).containsExactly("AGENT_ERRORS/k1");
    assertThat(first.flow().get(0).figures()).containsEntry("EventWriteFail", "2");
    assertThat(first.flow().get(0).reason())
        .isEqualTo("sink k1: error counters rose: EventWriteFail +2 (2 in all)");
    assertThat(second).isNull();
    assertThat(judge.status()).isEqualTo(first);
    assertThat(judge.unanswered("refused")).isNull();
    assertThat(judge.status().flow()).hasSize(1);
  }
}
