package io.flumesentinel.shape;

import static io.flumesentinel.shape.StageScript.again;
import static io.flumesentinel.shape.StageScript.down;
import static io.flumesentinel.shape.StageScript.stuck;
import static io.flumesentinel.shape.StageScript.tick;
import static io.flumesentinel.shape.StageScript.up;
import static org.assertj.core.api.Assertions.assertThat;

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
 * Host-level inhibition, table-driven: downs of agents of hosts at given times (3 agents of one
 * host within 30 s make the host down) and what is sent on to the ledger.
 */
class HostInhibitionTest {

  private static final HostDownConfig CONFIG = new HostDownConfig(true, 3, Duration.ofSeconds(30));

  static Stream<Arguments> scripts() {
    return Stream.of(
        Arguments.of(
            "fewer than minAgents down: each is reported on its own",
            List.of(down(0, "a1"), down(10, "a2"), up(20, "a1"), down(30, "a3")),
            List.of(
                "firing FlumeAgentDown a1",
                "firing FlumeAgentDown a2",
                "resolved FlumeAgentDown a1 resolution=RECOVERED",
                "firing FlumeAgentDown a3")),
        Arguments.of(
            "minAgents down within the window: the host alert fires, later downs are held",
            List.of(down(0, "a1"), down(10, "a2"), down(20, "a3"), down(30, "a4"), again(40, "a4")),
            List.of(
                "firing FlumeAgentDown a1",
                "firing FlumeAgentDown a2",
                "firing FlumeHostDown *@h1 agents=a1,a2,a3 inhibited=a3")),
        Arguments.of(
            "agents joining a firing host alert are added once a window has passed",
            List.of(
                down(0, "a1"),
                down(10, "a2"),
                down(20, "a3"),
                down(30, "a4"),
                down(40, "a5"),
                tick(30_019),
                tick(30_020),
                tick(40_000)),
            List.of(
                "firing FlumeAgentDown a1",
                "firing FlumeAgentDown a2",
                "firing FlumeHostDown *@h1 agents=a1,a2,a3 inhibited=a3",
                "firing FlumeHostDown *@h1 agents=a1,a2,a3,a4,a5 inhibited=a3,a4,a5")),
        Arguments.of(
            "downs spread over more than the window do not make the host down",
            List.of(down(0, "a1"), down(20_000, "a2"), down(40_000, "a3")),
            List.of(
                "firing FlumeAgentDown a1",
                "firing FlumeAgentDown a2",
                "firing FlumeAgentDown a3")),
        Arguments.of(
            "held agents that recover are not reported; fewer than minAgents down resolves the"
                + " host alert and those still down get their own alerts",
            List.of(
                down(0, "a1"),
                down(10, "a2"),
                down(20, "a3"),
                down(30, "a4"),
                down(40, "a5"),
                up(50, "a3"),
                up(60, "a1"),
                up(70, "a2")),
            List.of(
                "firing FlumeAgentDown a1",
                "firing FlumeAgentDown a2",
                "firing FlumeHostDown *@h1 agents=a1,a2,a3 inhibited=a3",
                "resolved FlumeAgentDown a1 resolution=RECOVERED",
                "resolved FlumeAgentDown a2 resolution=RECOVERED",
                "resolved FlumeHostDown *@h1 resolution=RECOVERED agents=a1,a2,a3"
                    + " inhibited=a3 stillDown=a4,a5",
                "firing FlumeAgentDown a4",
                "firing FlumeAgentDown a5")),
        Arguments.of(
            "hosts are counted apart; an unknown host is never grouped; other alerts pass",
            List.of(
                down(0, "a1", "h1"),
                down(1, "b1", "h2"),
                down(2, "a2", "h1"),
                down(3, "b2", "h2"),
                down(4, "u1", "unknown"),
                down(5, "u2", "unknown"),
                down(6, "u3", "unknown"),
                stuck(7, "a3")),
            List.of(
                "firing FlumeAgentDown a1",
                "firing FlumeAgentDown b1",
                "firing FlumeAgentDown a2",
                "firing FlumeAgentDown b2",
                "firing FlumeAgentDown u1",
                "firing FlumeAgentDown u2",
                "firing FlumeAgentDown u3",
                "firing FlumeAgentStuck a3")));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("scripts")
  void sendsOn(String name, List<Step> steps, List<String> expected) {
    StageScript script = new StageScript(clock -> new HostInhibition(CONFIG, clock));
    assertThat(script.run(steps)).containsExactlyElementsOf(expected);
  }

  @Test
  void offByDefault() {
    assertThat(HostDownConfig.defaults().enabled()).isFalse();
    StageScript script =
        new StageScript(clock -> new HostInhibition(HostDownConfig.defaults(), clock));
    List<Step> steps =
        List.of(
            down(0, "a1"),
            down(1, "a2"),
            down(2, "a3"),
            down(3, "a4"),
            down(4, "a5"),
            down(5, "a6"));
    assertThat(script.run(steps)).hasSize(6).allMatch(line -> line.contains("FlumeAgentDown"));
  }

  @Test
  void theHostAlertNamesTheHostTheCommonGroupAndTheAgents() {
    StageScript script = new StageScript(clock -> new HostInhibition(CONFIG, clock));
    script.run(List.of(down(0, "a1"), down(10, "a2"), down(20, "a3")));
    Alert host = script.sent.get(2);
    assertThat(host.labels())
        .containsEntry("alertname", "FlumeHostDown")
        .containsEntry("agent", "*@h1")
        .containsEntry("host", "h1")
        .containsEntry("group", "ingest")
        .containsEntry("severity", "critical");
    assertThat(host.annotations())
        .containsEntry("reason", "HOST_DOWN")
        .containsEntry("agentCount", "3")
        .containsEntry("summary", "3 Flume agents on h1 are down: a1, a2, a3");
    assertThat(host.startsAt()).isEqualTo(StageScript.T0);
  }

  @Test
  void aHeldAgentReleasedAfterTheHostAlertKeepsTheTimeItWentDown() {
    StageScript script = new StageScript(clock -> new HostInhibition(CONFIG, clock));
    script.run(List.of(down(0, "a1"), down(10, "a2"), down(20, "a3"), up(5000, "a1")));
    Alert released = script.sent.get(script.sent.size() - 1);
    assertThat(StageScript.line(released)).isEqualTo("firing FlumeAgentDown a3");
    assertThat(released.startsAt()).isEqualTo(StageScript.T0.plusMillis(20));
  }

  @Test
  void aReconciliationKeepsDownAlertsAndListsAFiringHostAlert() {
    HostInhibition[] stage = new HostInhibition[1];
    StageScript script = new StageScript(clock -> stage[0] = new HostInhibition(CONFIG, clock));
    script.run(List.of(down(0, "a1"), down(10, "a2"), down(20, "a3")));
    Alert host = script.sent.get(2);
    Alert a1 = script.sent.get(0);
    Alert a2 = script.sent.get(1);
    Alert a3 = StageScript.downAlert("a3", "h1", StageScript.T0.plusMillis(20), "SESSION_LOST");
    Alert b1 = StageScript.downAlert("b1", "h2", StageScript.T0, "CRASHED");
    Reconciliation out =
        stage[0].reconcile(new Reconciliation(List.of(a1, a2, a3, b1), Set.of("c1")));
    assertThat(out.firing()).containsExactlyInAnyOrder(a1, a2, b1, host);
    assertThat(out.running()).containsExactly("c1");
  }
}
