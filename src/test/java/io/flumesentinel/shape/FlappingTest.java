package io.flumesentinel.shape;

import static io.flumesentinel.shape.StageScript.again;
import static io.flumesentinel.shape.StageScript.down;
import static io.flumesentinel.shape.StageScript.stop;
import static io.flumesentinel.shape.StageScript.stuck;
import static io.flumesentinel.shape.StageScript.tick;
import static io.flumesentinel.shape.StageScript.up;
import static org.assertj.core.api.Assertions.assertThat;

import io.flumesentinel.config.FlappingConfig;
import io.flumesentinel.event.Alert;
import io.flumesentinel.event.Reconciliation;
import io.flumesentinel.shape.StageScript.Step;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Flap detection, table-driven: transitions at given times (more than 3 downs within 60 s flap;
 * stable for 30 s ends it) and what is sent on to the ledger.
 */
class FlappingTest {

  private static final FlappingConfig CONFIG =
      new FlappingConfig(true, 3, Duration.ofSeconds(60), Duration.ofSeconds(30));

  /** Three downs and recoveries of a1, 1 s apart, each passed on. */
  private static List<Step> threeFlaps() {
    return List.of(
        down(0, "a1"),
        up(1000, "a1"),
        down(2000, "a1"),
        up(3000, "a1"),
        down(4000, "a1"),
        up(5000, "a1"));
  }

  private static final List<String> THREE_FLAPS_SENT =
      List.of(
          "firing FlumeAgentDown a1",
          "resolved FlumeAgentDown a1 resolution=RECOVERED",
          "firing FlumeAgentDown a1",
          "resolved FlumeAgentDown a1 resolution=RECOVERED",
          "firing FlumeAgentDown a1",
          "resolved FlumeAgentDown a1 resolution=RECOVERED");

  private static List<Step> steps(List<Step> first, Step... more) {
    List<Step> all = new ArrayList<>(first);
    all.addAll(List.of(more));
    return all;
  }

  private static List<String> lines(List<String> first, String... more) {
    List<String> all = new ArrayList<>(first);
    all.addAll(List.of(more));
    return all;
  }

  static Stream<Arguments> scripts() {
    return Stream.of(
        Arguments.of("up to maxDowns downs pass one by one", threeFlaps(), THREE_FLAPS_SENT),
        Arguments.of(
            "the next down within the window fires one flapping alert; the flaps after it are held",
            steps(
                threeFlaps(),
                down(6000, "a1"),
                up(7000, "a1"),
                down(8000, "a1"),
                up(9000, "a1"),
                tick(20_000)),
            lines(THREE_FLAPS_SENT, "firing FlumeAgentFlapping a1 flapCount=4")),
        Arguments.of(
            "running for stableFor after the last flap: flapping resolves RECOVERED with the count",
            steps(
                threeFlaps(),
                down(6000, "a1"),
                up(7000, "a1"),
                down(8000, "a1"),
                up(9000, "a1"),
                tick(38_999),
                tick(39_000)),
            lines(
                THREE_FLAPS_SENT,
                "firing FlumeAgentFlapping a1 flapCount=4",
                "resolved FlumeAgentFlapping a1 resolution=RECOVERED flapCount=5")),
        Arguments.of(
            "flapping, then down for stableFor: flapping resolves DOWN and the down alert fires",
            steps(threeFlaps(), down(6000, "a1"), tick(36_000), up(50_000, "a1")),
            lines(
                THREE_FLAPS_SENT,
                "firing FlumeAgentFlapping a1 flapCount=4",
                "resolved FlumeAgentFlapping a1 resolution=DOWN flapCount=4",
                "firing FlumeAgentDown a1",
                "resolved FlumeAgentDown a1 resolution=RECOVERED")),
        Arguments.of(
            "a deliberate stop ends flapping at once",
            steps(threeFlaps(), down(6000, "a1"), stop(7000, "a1"), tick(60_000)),
            lines(
                THREE_FLAPS_SENT,
                "firing FlumeAgentFlapping a1 flapCount=4",
                "resolved FlumeAgentFlapping a1 resolution=STOPPED flapCount=4")),
        Arguments.of(
            "downs further apart than the window never flap",
            List.of(
                down(0, "a1"),
                up(1000, "a1"),
                down(30_000, "a1"),
                up(31_000, "a1"),
                down(60_000, "a1"),
                up(61_000, "a1"),
                down(90_000, "a1")),
            List.of(
                "firing FlumeAgentDown a1",
                "resolved FlumeAgentDown a1 resolution=RECOVERED",
                "firing FlumeAgentDown a1",
                "resolved FlumeAgentDown a1 resolution=RECOVERED",
                "firing FlumeAgentDown a1",
                "resolved FlumeAgentDown a1 resolution=RECOVERED",
                "firing FlumeAgentDown a1")),
        Arguments.of(
            "a down alert updated within one incident counts once",
            List.of(
                down(0, "a1"),
                again(10, "a1"),
                up(1000, "a1"),
                down(2000, "a1"),
                again(2010, "a1"),
                again(2020, "a1"),
                up(3000, "a1"),
                down(4000, "a1"),
                up(5000, "a1")),
            List.of(
                "firing FlumeAgentDown a1",
                "firing FlumeAgentDown a1",
                "resolved FlumeAgentDown a1 resolution=RECOVERED",
                "firing FlumeAgentDown a1",
                "firing FlumeAgentDown a1",
                "firing FlumeAgentDown a1",
                "resolved FlumeAgentDown a1 resolution=RECOVERED",
                "firing FlumeAgentDown a1",
                "resolved FlumeAgentDown a1 resolution=RECOVERED")),
        Arguments.of(
            "a down alert still out when flapping starts is resolved as FLAPPING",
            List.of(
                down(0, "a1"),
                up(1000, "a1"),
                down(2000, "a1"),
                up(3000, "a1"),
                down(4000, "a1"),
                down(5000, "a1")),
            List.of(
                "firing FlumeAgentDown a1",
                "resolved FlumeAgentDown a1 resolution=RECOVERED",
                "firing FlumeAgentDown a1",
                "resolved FlumeAgentDown a1 resolution=RECOVERED",
                "firing FlumeAgentDown a1",
                "resolved FlumeAgentDown a1 resolution=FLAPPING",
                "firing FlumeAgentFlapping a1 flapCount=4")),
        Arguments.of(
            "after flapping ends the count starts over",
            steps(
                threeFlaps(),
                down(6000, "a1"),
                up(7000, "a1"),
                tick(37_000),
                down(40_000, "a1"),
                up(41_000, "a1")),
            lines(
                THREE_FLAPS_SENT,
                "firing FlumeAgentFlapping a1 flapCount=4",
                "resolved FlumeAgentFlapping a1 resolution=RECOVERED flapCount=4",
                "firing FlumeAgentDown a1",
                "resolved FlumeAgentDown a1 resolution=RECOVERED")),
        Arguments.of(
            "agents are counted apart; other alerts pass",
            List.of(
                down(0, "a1"),
                up(1, "a1"),
                down(2, "a1"),
                up(3, "a1"),
                down(4, "b1"),
                up(5, "b1"),
                down(6, "b1"),
                up(7, "b1"),
                stuck(8, "a1")),
            List.of(
                "firing FlumeAgentDown a1",
                "resolved FlumeAgentDown a1 resolution=RECOVERED",
                "firing FlumeAgentDown a1",
                "resolved FlumeAgentDown a1 resolution=RECOVERED",
                "firing FlumeAgentDown b1",
                "resolved FlumeAgentDown b1 resolution=RECOVERED",
                "firing FlumeAgentDown b1",
                "resolved FlumeAgentDown b1 resolution=RECOVERED",
                "firing FlumeAgentStuck a1")));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("scripts")
  void sendsOn(String name, List<Step> steps, List<String> expected) {
    StageScript script = new StageScript(clock -> new Flapping(CONFIG, clock));
    assertThat(script.run(steps)).containsExactlyElementsOf(expected);
  }

  @Test
  void disabledPassesEveryTransition() {
    StageScript script =
        new StageScript(
            clock ->
                new Flapping(
                    new FlappingConfig(false, 3, Duration.ofSeconds(60), Duration.ofSeconds(30)),
                    clock));
    List<String> sent =
        script.run(steps(threeFlaps(), down(6000, "a1"), up(7000, "a1"), tick(60_000)));
    assertThat(sent)
        .containsExactlyElementsOf(
            lines(
                THREE_FLAPS_SENT,
                "firing FlumeAgentDown a1",
                "resolved FlumeAgentDown a1 resolution=RECOVERED"));
  }

  @Test
  void theFlappingAlertCarriesTheCountTheAgentsLabelsAndWhatHappened() {
    StageScript script = new StageScript(clock -> new Flapping(CONFIG, clock));
    script.run(steps(threeFlaps(), down(6000, "a1")));
    Alert flapping = script.sent.get(script.sent.size() - 1);
    assertThat(flapping.labels())
        .containsEntry("alertname", "FlumeAgentFlapping")
        .containsEntry("agent", "a1")
        .containsEntry("host", "h1")
        .containsEntry("group", "ingest")
        .containsEntry("severity", "critical");
    assertThat(flapping.annotations())
        .containsEntry("reason", "FLAPPING")
        .containsEntry("flapCount", "4")
        .containsEntry("window", "1m")
        .containsEntry("firstDownAt", StageScript.T0.toString())
        .containsEntry("lastDown", "Flume agent a1 on h1 SESSION_LOST")
        .containsEntry("summary", "Flume agent a1 on h1 is flapping: down 4 times within 1m");
    assertThat(flapping.startsAt()).isEqualTo(StageScript.T0);
  }

  @Test
  void theDownAlertAfterFlappingKeepsTheTimeTheAgentWentDown() {
    StageScript script = new StageScript(clock -> new Flapping(CONFIG, clock));
    script.run(steps(threeFlaps(), down(6000, "a1"), again(6500, "a1"), tick(36_500)));
    Alert down = script.sent.get(script.sent.size() - 1);
    assertThat(down.alertname()).isEqualTo("FlumeAgentDown");
    assertThat(down.startsAt()).isEqualTo(StageScript.T0.plusMillis(6000));
    assertThat(down.annotation("reason")).isEqualTo("CRASHED");
  }

  @Test
  void theNextDeadlineIsStableForAfterTheLastChangeOfAFlappingAgent() {
    Flapping[] stage = new Flapping[1];
    StageScript script = new StageScript(clock -> stage[0] = new Flapping(CONFIG, clock));
    script.run(threeFlaps());
    assertThat(stage[0].nextDeadline()).isNull();
    script.run(List.of(down(6000, "a1"), up(7000, "a1")));
    assertThat(stage[0].nextDeadline()).isEqualTo(StageScript.T0.plusMillis(37_000));
  }

  @Test
  void aReconciliationPassesThroughAndListsTheFlappingAlertInsteadOfItsDownAlert() {
    Flapping[] stage = new Flapping[1];
    StageScript script = new StageScript(clock -> stage[0] = new Flapping(CONFIG, clock));
    script.run(steps(threeFlaps(), down(6000, "a1")));
    Alert flapping = script.sent.get(script.sent.size() - 1);
    Alert a1Down = StageScript.downAlert("a1", "h1", StageScript.T0, "CRASHED");
    Alert b1Down = StageScript.downAlert("b1", "h1", StageScript.T0, "CRASHED");
    Reconciliation out =
        stage[0].reconcile(new Reconciliation(List.of(a1Down, b1Down), Set.of("c1")));
    assertThat(out.firing()).containsExactlyInAnyOrder(b1Down, flapping);
    assertThat(out.running()).containsExactly("c1");
  }

  @Test
  void durationsReadAsOperatorsWriteThem() {
    assertThat(Flapping.human(Duration.ofMinutes(10))).isEqualTo("10m");
    assertThat(Flapping.human(Duration.ofSeconds(90))).isEqualTo("1m30s");
    assertThat(Flapping.human(Duration.ofHours(2))).isEqualTo("2h");
    assertThat(Flapping.human(Duration.ofMillis(1500))).isEqualTo("1500ms");
  }
}
