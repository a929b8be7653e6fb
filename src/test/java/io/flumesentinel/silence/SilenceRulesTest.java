package io.flumesentinel.silence;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.flumesentinel.alert.ZooKeeperLossVerticle;
import io.flumesentinel.classify.AgentAlerts;
import io.flumesentinel.shape.Flapping;
import io.flumesentinel.shape.GroupInhibition;
import io.flumesentinel.shape.HostInhibition;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** Which silences the rules refuse, as the command and the monitor's reading of them see it. */
class SilenceRulesTest {

  private static final Instant T0 = Instant.parse("2026-11-30T06:00:00Z");
  private static final SilenceRules RULES = SilenceRules.defaults();

  /** Matchers (amtool form) → whether a silence of them would mute everything. */
  static Stream<Arguments> matchers() {
    return Stream.of(
        // match every alert, the empty value included
        Arguments.of("alertname=~.*", true),
        Arguments.of("alertname=~(?s).*", true),
        Arguments.of("alertname=~.+|", true),
        Arguments.of("alertname=~|.+", true),
        Arguments.of("alertname!=FlumeAgentDown", true),
        Arguments.of("group!=ingest", true),
        Arguments.of("dc=~.*", true),
        Arguments.of("dc!~x", true),
        // hold for any value of a label every alert of a kind has: only test that it is there
        Arguments.of("alertname=~.+", true),
        Arguments.of("alertname!=\"\"", true),
        Arguments.of("alertname!~\"\"", true),
        Arguments.of("agent=~.+", true),
        Arguments.of("agent=~\\S+", true),
        Arguments.of("host=~(?s).+", true),
        Arguments.of("host=~[^\\n]+", true),
        Arguments.of("group=~.{1,}", true),
        // every alert name the monitor writes
        Arguments.of("alertname=~Flume.*", true),
        Arguments.of(
            "alertname=~\"FlumeAgentDown|FlumeAgentStuck|FlumeAgentMemory|FlumeAgentGc|"
                + "FlumeAgentFlapping|FlumeHostDown|FlumeGroupDegraded|FlumeSentinelZooKeeperLost|"
                + "FlumeSourceIdle|FlumeSinkStalled|FlumeChannelFilling|FlumeAgentErrors\"",
            true),
        Arguments.of("severity=~critical|warning|info", true),
        Arguments.of("severity=~.+", true),
        // several matchers that each narrow nothing
        Arguments.of("alertname=~.+ agent=~.+ group!=x", true),
        // name something
        Arguments.of("group=ingest", false),
        Arguments.of("agent=a1", false),
        Arguments.of("host=~flume-0[1-4]", false),
        Arguments.of("host=~flume-.*", false),
        Arguments.of("alertname=FlumeAgentDown", false),
        Arguments.of("alertname=~FlumeAgent.*", false),
        Arguments.of("severity=critical", false),
        Arguments.of("dc=east", false),
        Arguments.of("agent=~[a-z].*", false),
        // one narrowing matcher narrows the silence
        Arguments.of("alertname=~.+ group=ingest", false),
        Arguments.of("group!=web host=~flume-0[1-4]", false));
  }

  @ParameterizedTest(name = "{0} → mutes everything: {1}")
  @MethodSource("matchers")
  void aSilenceMustNameSomething(String matchers, boolean everything) {
    List<Matcher> parsed = Arrays.stream(matchers.split(" ")).map(Matcher::parse).toList();
    Silence silence = new Silence("s1", parsed, T0, T0.plus(Duration.ofHours(1)), "ops", "why");

    assertThat(RULES.problem(silence) != null).isEqualTo(everything);
    assertThat(SilenceRules.problem(parsed) != null).isEqualTo(everything);
  }

  /** Start → end → refused for lasting too long, with the default maximum (30 days). */
  static Stream<Arguments> durations() {
    return Stream.of(
        Arguments.of(T0, T0.plus(Duration.ofHours(1)), null),
        Arguments.of(T0, T0.plus(Duration.ofDays(30)), null),
        Arguments.of(T0, T0, null),
        Arguments.of(
            T0,
            T0.plus(Duration.ofDays(30)).plusMillis(1),
            "it lasts 30d1ms (from 2026-11-30T06:00:00Z to 2026-12-30T06:00:00.001Z), longer than"
                + " the 30d a silence may last"),
        Arguments.of(
            T0,
            Instant.parse("9999-12-31T00:00:00Z"),
            "it lasts more than 36500d (from 2026-11-30T06:00:00Z to 9999-12-31T00:00:00Z), longer"
                + " than the 30d a silence may last"),
        // times a foreign writer may store: no overflow, still refused
        Arguments.of(
            Instant.MIN,
            Instant.MAX,
            "it lasts more than 36500d (from "
                + Instant.MIN
                + " to "
                + Instant.MAX
                + "), longer than the 30d a silence may last"));
  }

  @ParameterizedTest(name = "{0} to {1} → {2}")
  @MethodSource("durations")
  void aSilenceMustEndWithinTheMaximum(Instant start, Instant end, String problem) {
    Silence silence = new Silence("s1", List.of(Matcher.parse("group=ingest")), start, end, "", "");

    assertThat(RULES.problem(silence)).isEqualTo(problem);
  }

  @Test
  void theMaximumIsConfigurable() {
    Silence week =
        new Silence(
            "s1", List.of(Matcher.parse("group=ingest")), T0, T0.plus(Duration.ofDays(7)), "", "");

    assertThat(new SilenceRules(Duration.ofDays(7)).problem(week)).isNull();
    assertThat(new SilenceRules(Duration.ofDays(6)).problem(week))
        .endsWith("longer than the 6d a silence may last");
    assertThatThrownBy(() -> new SilenceRules(Duration.ZERO))
        .isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void theCommandRefusesWhatTheMonitorWouldRefuse() {
    List<Matcher> everything = List.of(Matcher.parse("agent=~.+"));
    assertThatThrownBy(
            () -> Silence.create(everything, T0, T0.plus(Duration.ofHours(1)), "ops", "why", T0))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage(
            "no matcher narrows what it mutes (agent=~\".+\" holds for any value of its label, or"
                + " for every alert name), so the silence would mute everything; name what to"
                + " silence, such as group=ingest");

    List<Matcher> ingest = List.of(Matcher.parse("group=ingest"));
    assertThatThrownBy(
            () -> Silence.create(ingest, T0, T0.plus(Duration.ofDays(31)), "ops", "why", T0))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageStartingWith("the silence would be refused: it lasts 31d");
    assertThat(
            Silence.create(
                ingest,
                T0,
                T0.plus(Duration.ofDays(31)),
                "ops",
                "why",
                T0,
                new SilenceRules(Duration.ofDays(31))))
        .isNotNull();
  }

  @Test
  void aLongMatcherListIsQuotedOnlyInPart() {
    List<Matcher> many =
        java.util.stream.IntStream.range(0, 100)
            .mapToObj(i -> Matcher.parse("label" + i + "=~.*"))
            .toList();

    assertThat(SilenceRules.problem(many)).hasSizeLessThan(600).contains("…");
  }

  @Test
  void theAlertNamesAreEveryNameTheMonitorWrites() {
    List<String> written =
        new java.util.ArrayList<>(
            List.of(
                AgentAlerts.AGENT_DOWN,
                AgentAlerts.AGENT_STUCK,
                AgentAlerts.AGENT_MEMORY,
                AgentAlerts.AGENT_GC,
                Flapping.AGENT_FLAPPING,
                HostInhibition.HOST_DOWN,
                GroupInhibition.GROUP_DEGRADED,
                ZooKeeperLossVerticle.ALERTNAME));
    written.addAll(AgentAlerts.FLOW_ALERTS.values());
    assertThat(SilenceRules.ALERT_NAMES).containsExactlyInAnyOrderElementsOf(written);
  }
}
