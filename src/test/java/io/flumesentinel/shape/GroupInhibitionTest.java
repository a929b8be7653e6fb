package io.flumesentinel.shape;

import static io.flumesentinel.shape.StageScript.again;
import static io.flumesentinel.shape.StageScript.deregister;
import static io.flumesentinel.shape.StageScript.down;
import static io.flumesentinel.shape.StageScript.register;
import static io.flumesentinel.shape.StageScript.stop;
import static io.flumesentinel.shape.StageScript.stuck;
import static io.flumesentinel.shape.StageScript.tick;
import static io.flumesentinel.shape.StageScript.up;
import static org.assertj.core.api.Assertions.assertThat;

import io.flumesentinel.config.GroupDegradedConfig;
import io.flumesentinel.config.HostDownConfig;
import io.flumesentinel.event.Alert;
import io.flumesentinel.event.Reconciliation;
import io.flumesentinel.shape.StageScript.Step;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.IntStream;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Group roll-up, table-driven: agents a0–a9 of group "ingest" registered, transitions at given
 * times (fewer than half healthy degrades a group of at least 3; notices wait 10 s) and what is
 * sent on to the ledger.
 */
class GroupInhibitionTest {

  private static final GroupDegradedConfig CONFIG =
      new GroupDegradedConfig(true, 0.5, 3, Duration.ofSeconds(10));

  private static final String SIX = "a0,a1,a2,a3,a4,a5";

  /** The ten agents of "ingest", then {@code more}. */
  private static List<Step> ingest(Step... more) {
    List<Step> all = new ArrayList<>();
    for (int i = 0; i < 10; i++) {
      all.add(register(0, "a" + i, "ingest"));
    }
    all.addAll(List.of(more));
    return all;
  }

  /** a0–a5 go down 10 ms apart, from 0 ms. */
  private static Step[] sixDown(Step... more) {
    List<Step> all = new ArrayList<>();
    for (int i = 0; i < 6; i++) {
      all.add(down(i * 10L, "a" + i));
    }
    all.addAll(List.of(more));
    return all.toArray(Step[]::new);
  }

  static Stream<Arguments> scripts() {
    return Stream.of(
        Arguments.of(
            "6 of 10 down within the hold: one group alert listing them, no notice of its own",
            ingest(sixDown(again(60, "a5"), tick(10_000), tick(10_050), tick(60_000))),
            List.of(
                "firing FlumeGroupDegraded *:ingest agents="
                    + SIX
                    + " inhibited="
                    + SIX
                    + " healthy=4 total=10")),
        Arguments.of(
            "half of them down is not below half: each notice goes out when its hold ends",
            ingest(
                down(0, "a0"),
                down(10, "a1"),
                down(20, "a2"),
                down(30, "a3"),
                down(40, "a4"),
                tick(9_999),
                tick(10_000),
                tick(10_040)),
            List.of(
                "firing FlumeAgentDown a0",
                "firing FlumeAgentDown a1",
                "firing FlumeAgentDown a2",
                "firing FlumeAgentDown a3",
                "firing FlumeAgentDown a4")),
        Arguments.of(
            "an agent back within the hold is never reported; one back after it is",
            ingest(
                down(0, "a0"), up(5_000, "a0"), down(6_000, "a1"), tick(16_000), up(17_000, "a1")),
            List.of("firing FlumeAgentDown a1", "resolved FlumeAgentDown a1 resolution=RECOVERED")),
        Arguments.of(
            "agents that go down while the group alert fires are added in one update, a hold later",
            ingest(sixDown(down(100, "a6"), down(200, "a7"), tick(10_049), tick(10_050))),
            List.of(
                "firing FlumeGroupDegraded *:ingest agents="
                    + SIX
                    + " inhibited="
                    + SIX
                    + " healthy=4 total=10",
                "firing FlumeGroupDegraded *:ingest agents="
                    + SIX
                    + ",a6,a7 inhibited="
                    + SIX
                    + ",a6,a7 healthy=2 total=10")),
        Arguments.of(
            "the share is back: the group alert resolves; those still down wait a hold again and"
                + " are reported then, unless back",
            ingest(sixDown(up(1_000, "a0"), up(2_000, "a1"), tick(10_999), tick(11_000))),
            List.of(
                "firing FlumeGroupDegraded *:ingest agents="
                    + SIX
                    + " inhibited="
                    + SIX
                    + " healthy=4 total=10",
                "resolved FlumeGroupDegraded *:ingest resolution=RECOVERED agents="
                    + SIX
                    + " inhibited="
                    + SIX
                    + " stillDown=a1,a2,a3,a4,a5 healthy=5 total=10",
                "firing FlumeAgentDown a2",
                "firing FlumeAgentDown a3",
                "firing FlumeAgentDown a4",
                "firing FlumeAgentDown a5")),
        Arguments.of(
            "restored agent by agent within a hold: the group alert and its resolution only",
            ingest(
                sixDown(
                    up(1_000, "a0"),
                    up(1_010, "a1"),
                    up(1_020, "a2"),
                    up(1_030, "a3"),
                    up(1_040, "a4"),
                    up(1_050, "a5"),
                    tick(20_000))),
            List.of(
                "firing FlumeGroupDegraded *:ingest agents="
                    + SIX
                    + " inhibited="
                    + SIX
                    + " healthy=4 total=10",
                "resolved FlumeGroupDegraded *:ingest resolution=RECOVERED agents="
                    + SIX
                    + " inhibited="
                    + SIX
                    + " stillDown=a1,a2,a3,a4,a5 healthy=5 total=10")),
        Arguments.of(
            "a notice sent before the group degraded stays, and resolves when its agent is back",
            ingest(
                down(0, "a0"),
                tick(10_000),
                down(20_000, "a1"),
                down(20_010, "a2"),
                down(20_020, "a3"),
                down(20_030, "a4"),
                down(20_040, "a5"),
                up(30_000, "a0")),
            List.of(
                "firing FlumeAgentDown a0",
                "firing FlumeGroupDegraded *:ingest agents="
                    + SIX
                    + " inhibited=a1,a2,a3,a4,a5 healthy=4 total=10",
                "resolved FlumeAgentDown a0 resolution=RECOVERED",
                "resolved FlumeGroupDegraded *:ingest resolution=RECOVERED agents="
                    + SIX
                    + " inhibited=a1,a2,a3,a4,a5 stillDown=a1,a2,a3,a4,a5 healthy=5 total=10")),
        Arguments.of(
            "deregistered agents leave the count; their stop is not reported",
            ingest(
                sixDown(
                    deregister(1_000, "a0"),
                    stop(1_000, "a0"),
                    deregister(2_000, "a1"),
                    stop(2_000, "a1"),
                    tick(12_000))),
            List.of(
                "firing FlumeGroupDegraded *:ingest agents="
                    + SIX
                    + " inhibited="
                    + SIX
                    + " healthy=4 total=10",
                "resolved FlumeGroupDegraded *:ingest resolution=RECOVERED agents="
                    + SIX
                    + " inhibited="
                    + SIX
                    + " stillDown=a2,a3,a4,a5 healthy=4 total=8",
                "firing FlumeAgentDown a2",
                "firing FlumeAgentDown a3",
                "firing FlumeAgentDown a4",
                "firing FlumeAgentDown a5")),
        Arguments.of(
            "agents registering make the share healthy again",
            ingest(
                sixDown(
                    register(1_000, "b1", "ingest"),
                    register(1_000, "b2", "ingest"),
                    register(1_000, "b3", "ingest"))),
            List.of(
                "firing FlumeGroupDegraded *:ingest agents="
                    + SIX
                    + " inhibited="
                    + SIX
                    + " healthy=4 total=10",
                "resolved FlumeGroupDegraded *:ingest resolution=RECOVERED agents="
                    + SIX
                    + " inhibited="
                    + SIX
                    + " stillDown="
                    + SIX
                    + " healthy=6 total=12")),
        Arguments.of(
            "small groups, unregistered agents and other alerts are never held",
            List.of(
                register(0, "s1", "small"),
                register(0, "s2", "small"),
                down(10, "s1"),
                down(20, "s2"),
                down(30, "x1"),
                stuck(40, "x2")),
            List.of(
                "firing FlumeAgentDown s1",
                "firing FlumeAgentDown s2",
                "firing FlumeAgentDown x1",
                "firing FlumeAgentStuck x2")),
        Arguments.of(
            "a stuck agent counts as unhealthy and is held back with the rest",
            ingest(
                down(0, "a0"),
                down(10, "a1"),
                down(20, "a2"),
                down(30, "a3"),
                down(40, "a4"),
                stuck(50, "a9"),
                tick(20_000)),
            List.of(
                "firing FlumeGroupDegraded *:ingest agents=a0,a1,a2,a3,a4,a9 inhibited=a0,a1,a2,a3,"
                    + "a4,a9 healthy=4 total=10")),
        Arguments.of(
            "an agent moving to another group takes its notice with it",
            ingest(sixDown(register(1_000, "a5", "other"), tick(11_000))),
            List.of(
                "firing FlumeGroupDegraded *:ingest agents="
                    + SIX
                    + " inhibited="
                    + SIX
                    + " healthy=4 total=10",
                "firing FlumeAgentDown a5",
                "firing FlumeGroupDegraded *:ingest agents=a0,a1,a2,a3,a4"
                    + " inhibited=a0,a1,a2,a3,a4 healthy=4 total=9")));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("scripts")
  void sendsOn(String name, List<Step> steps, List<String> expected) {
    StageScript script = new StageScript(clock -> new GroupInhibition(CONFIG, clock));
    assertThat(script.run(steps)).containsExactlyElementsOf(expected);
  }

  @Test
  void withoutAHoldNoticesGoOutUntilTheGroupDegrades() {
    GroupDegradedConfig noHold = new GroupDegradedConfig(true, 0.5, 3, Duration.ZERO);
    StageScript script = new StageScript(clock -> new GroupInhibition(noHold, clock));
    assertThat(script.run(ingest(sixDown(down(100, "a6")))))
        .containsExactly(
            "firing FlumeAgentDown a0",
            "firing FlumeAgentDown a1",
            "firing FlumeAgentDown a2",
            "firing FlumeAgentDown a3",
            "firing FlumeAgentDown a4",
            "firing FlumeGroupDegraded *:ingest agents="
                + SIX
                + " inhibited=a5 healthy=4 total=10");
  }

  @Test
  void offByDefault() {
    assertThat(GroupDegradedConfig.defaults().enabled()).isFalse();
    StageScript script =
        new StageScript(clock -> new GroupInhibition(GroupDegradedConfig.defaults(), clock));
    assertThat(script.run(ingest(sixDown())))
        .hasSize(6)
        .allMatch(line -> line.startsWith("firing FlumeAgentDown"));
  }

  @Test
  void theGroupAlertNamesTheGroupAndSaysHowManyAreHealthy() {
    StageScript script = new StageScript(clock -> new GroupInhibition(CONFIG, clock));
    script.run(ingest(sixDown()));
    Alert group = script.sent.get(0);
    assertThat(group.labels())
        .containsOnlyKeys("alertname", "agent", "group", "severity")
        .containsEntry("alertname", "FlumeGroupDegraded")
        .containsEntry("agent", "*:ingest")
        .containsEntry("group", "ingest")
        .containsEntry("severity", "critical");
    assertThat(group.annotations())
        .containsEntry("reason", "GROUP_DEGRADED")
        .containsEntry(
            "summary", "Group ingest is degraded: 4 of 10 Flume agents healthy (below 50%)")
        .containsEntry("healthy", "4")
        .containsEntry("total", "10")
        .containsEntry("healthyBelow", "50%")
        .containsEntry("agentCount", "6")
        .containsEntry("inhibitedCount", "6");
    assertThat(group.startsAt()).isEqualTo(StageScript.T0.plusMillis(50));
  }

  @Test
  void aHeldNoticeReleasedAfterTheGroupAlertKeepsTheTimeItsAgentWentDown() {
    StageScript script = new StageScript(clock -> new GroupInhibition(CONFIG, clock));
    script.run(ingest(sixDown(up(1_000, "a0"), tick(11_000))));
    Alert a5 = script.sent.get(script.sent.size() - 1);
    assertThat(StageScript.line(a5)).isEqualTo("firing FlumeAgentDown a5");
    assertThat(a5.startsAt()).isEqualTo(StageScript.T0.plusMillis(50));
  }

  /** 5,000 agents of one group lost at once: one group alert and one update, no notice of each. */
  @Test
  void aStormOfFiveThousandIsOneGroupAlert() {
    GroupInhibition[] stage = new GroupInhibition[1];
    StageScript script = new StageScript(clock -> stage[0] = new GroupInhibition(CONFIG, clock));
    Map<String, String> fleet = new HashMap<>();
    List<Step> storm = new ArrayList<>();
    IntStream.range(0, 5_000)
        .mapToObj(i -> String.format("s%04d", i))
        .forEach(
            id -> {
              fleet.put(id, "ingest");
              storm.add(down(1, id));
            });
    assertThat(stage[0].registrations(fleet)).isEmpty();
    storm.add(tick(60_000));
    storm.add(tick(120_000));

    List<String> sent = script.run(storm);

    assertThat(sent).hasSize(2).allMatch(line -> line.startsWith("firing FlumeGroupDegraded"));
    Alert last = script.sent.get(1);
    assertThat(last.annotations())
        .containsEntry("healthy", "0")
        .containsEntry("total", "5000")
        .containsEntry("agentCount", "5000")
        .containsEntry("inhibitedCount", "5000");
    assertThat(last.annotation("agents")).startsWith("s0000, s0001, ").endsWith(" and 4950 more");
  }

  @Test
  void aReconciliationPassesItsAlertsOnAndAddsTheAlertOfADegradedGroup() {
    GroupInhibition[] stage = new GroupInhibition[1];
    new StageScript(clock -> stage[0] = new GroupInhibition(CONFIG, clock));
    Map<String, String> fleet = new HashMap<>();
    List<Alert> down = new ArrayList<>();
    for (int i = 0; i < 10; i++) {
      fleet.put("a" + i, "ingest");
      if (i < 6) {
        down.add(StageScript.downAlert("a" + i, "h1", StageScript.T0, "CRASHED"));
      }
    }
    stage[0].registrations(fleet);
    Reconciliation out = stage[0].reconcile(new Reconciliation(down, Set.of("a6", "a7")));

    assertThat(out.firing()).hasSize(7).containsAll(down);
    Alert group = out.firing().get(6);
    assertThat(StageScript.line(group))
        .isEqualTo(
            "firing FlumeGroupDegraded *:ingest agents=" + SIX + " inhibited= healthy=4 total=10");
    assertThat(out.running()).containsExactlyInAnyOrder("a6", "a7");
  }

  @Test
  void beforeHostLevelInhibitionItCountsEveryAgentOfItsGroups() {
    StageScript script =
        new StageScript(
            clock ->
                StageChain.of(
                    new GroupInhibition(CONFIG, clock),
                    new HostInhibition(
                        new HostDownConfig(true, 3, Duration.ofSeconds(30)), clock)));
    assertThat(script.run(ingest(sixDown())))
        .containsExactly(
            "firing FlumeGroupDegraded *:ingest agents="
                + SIX
                + " inhibited="
                + SIX
                + " healthy=4 total=10");
  }

  @Test
  void listsAreCapped() {
    List<String> ids = IntStream.range(0, 60).mapToObj(i -> "a" + i).toList();
    assertThat(GroupInhibition.listed(ids)).startsWith("a0, a1, ").endsWith("a49 and 10 more");
    List<String> long128 =
        IntStream.range(0, 40).mapToObj(i -> String.format("%0128d", i)).toList();
    String listed = GroupInhibition.listed(long128);
    assertThat(listed.length()).isLessThan(GroupInhibition.LISTED_CHARS + 20);
    assertThat(listed).endsWith(" and 25 more");
    assertThat(GroupInhibition.listed(List.of())).isEmpty();
  }

  @Test
  void theAgentLabelNamesTheGroupWithWhatZooKeeperAcceptsInANodeName() {
    assertThat(GroupInhibition.agentLabel("ingest")).isEqualTo("*:ingest");
    assertThat(GroupInhibition.agentLabel("east/ingest")).isEqualTo("*:east_ingest");
    assertThat(GroupInhibition.agentLabel("東京")).isEqualTo("*:東京");
    assertThat(GroupInhibition.agentLabel("a\uD83D\uDE00")).isEqualTo("*:a__");
  }

  @Test
  void sharesAreShownAsPercentages() {
    assertThat(GroupInhibition.percent(0.5)).isEqualTo("50%");
    assertThat(GroupInhibition.percent(1.0)).isEqualTo("100%");
    assertThat(GroupInhibition.percent(0.333)).isEqualTo("33.3%");
  }
}
