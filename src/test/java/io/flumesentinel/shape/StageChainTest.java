package io.flumesentinel.shape;

import static io.flumesentinel.shape.StageScript.down;
import static io.flumesentinel.shape.StageScript.tick;
import static io.flumesentinel.shape.StageScript.up;
import static org.assertj.core.api.Assertions.assertThat;

import io.flumesentinel.config.FlappingConfig;
import io.flumesentinel.config.HostDownConfig;
import io.flumesentinel.event.Alert;
import io.flumesentinel.event.Reconciliation;
import io.flumesentinel.shape.StageScript.Step;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Flap detection and host-level inhibition run as one chain, table-driven with an injected clock:
 * what flap detection sends on (or lets go when a timer expires) is what host-level inhibition is
 * given.
 */
class StageChainTest {

  private static final FlappingConfig FLAPPING =
      new FlappingConfig(true, 3, Duration.ofSeconds(60), Duration.ofSeconds(30));
  private static final HostDownConfig HOST_DOWN =
      new HostDownConfig(true, 3, Duration.ofSeconds(30));

  static Stream<Arguments> scripts() {
    return Stream.of(
        Arguments.of(
            "a single crash goes through both stages unchanged",
            List.of(down(0, "a1"), up(1000, "a1")),
            List.of("firing FlumeAgentDown a1", "resolved FlumeAgentDown a1 resolution=RECOVERED")),
        Arguments.of(
            "three agents of a host down: the host alert comes out of the second stage",
            List.of(down(0, "a1"), down(10, "a2"), down(20, "a3"), down(30, "a4")),
            List.of(
                "firing FlumeAgentDown a1",
                "firing FlumeAgentDown a2",
                "firing FlumeHostDown *@h1 agents=a1,a2,a3 inhibited=a3")),
        Arguments.of(
            "a flapping agent is one flapping alert for the host stage, which never counts it as"
                + " a host down",
            List.of(
                down(0, "a1"),
                up(1000, "a1"),
                down(2000, "a1"),
                up(3000, "a1"),
                down(4000, "a1"),
                up(5000, "a1"),
                down(6000, "a1"),
                up(7000, "a1")),
            List.of(
                "firing FlumeAgentDown a1",
                "resolved FlumeAgentDown a1 resolution=RECOVERED",
                "firing FlumeAgentDown a1",
                "resolved FlumeAgentDown a1 resolution=RECOVERED",
                "firing FlumeAgentDown a1",
                "resolved FlumeAgentDown a1 resolution=RECOVERED",
                "firing FlumeAgentFlapping a1 flapCount=4")),
        Arguments.of(
            "what flap detection lets go when its timer expires passes through the host stage",
            List.of(
                down(0, "a1"),
                up(1000, "a1"),
                down(2000, "a1"),
                up(3000, "a1"),
                down(4000, "a1"),
                up(5000, "a1"),
                down(6000, "a1"),
                up(7000, "a1"),
                tick(37_000),
                tick(60_000)),
            List.of(
                "firing FlumeAgentDown a1",
                "resolved FlumeAgentDown a1 resolution=RECOVERED",
                "firing FlumeAgentDown a1",
                "resolved FlumeAgentDown a1 resolution=RECOVERED",
                "firing FlumeAgentDown a1",
                "resolved FlumeAgentDown a1 resolution=RECOVERED",
                "firing FlumeAgentFlapping a1 flapCount=4",
                "resolved FlumeAgentFlapping a1 resolution=RECOVERED flapCount=4")));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("scripts")
  void sendsOn(String name, List<Step> steps, List<String> expected) {
    StageScript script =
        new StageScript(
            clock ->
                StageChain.of(new Flapping(FLAPPING, clock), new HostInhibition(HOST_DOWN, clock)));
    assertThat(script.run(steps)).containsExactlyElementsOf(expected);
  }

  @Test
  void theNextDeadlineIsTheEarliestOfAnyStage() {
    List<Step> flaps =
        List.of(
            down(0, "a1"),
            up(1000, "a1"),
            down(2000, "a1"),
            up(3000, "a1"),
            down(4000, "a1"),
            up(5000, "a1"),
            down(6000, "a1"),
            up(7000, "a1"));
    Flapping[] alone = new Flapping[1];
    new StageScript(clock -> alone[0] = new Flapping(FLAPPING, clock)).run(flaps);
    StageChain[] chain = new StageChain[1];
    new StageScript(
            clock ->
                chain[0] =
                    StageChain.of(
                        new HostInhibition(HOST_DOWN, clock), new Flapping(FLAPPING, clock)))
        .run(flaps);
    assertThat(alone[0].nextDeadline()).isNotNull();
    assertThat(chain[0].nextDeadline()).isEqualTo(alone[0].nextDeadline());
  }

  @Test
  void aReconciliationGoesThroughEveryStageInOrder() {
    StageChain[] chain = new StageChain[1];
    StageScript script =
        new StageScript(
            clock ->
                chain[0] =
                    StageChain.of(
                        new Flapping(FLAPPING, clock), new HostInhibition(HOST_DOWN, clock)));
    script.run(List.of(down(0, "a1"), down(10, "a2"), down(20, "a3")));
    Alert host = script.sent.get(2);
    Reconciliation out =
        chain[0].reconcile(
            new Reconciliation(List.of(script.sent.get(0), script.sent.get(1)), Set.of("c1")));
    assertThat(out.firing()).contains(host);
    assertThat(out.running()).containsExactly("c1");
  }
}
