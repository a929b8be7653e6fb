package io.flumesentinel.silence;

import io.flumesentinel.config.DurationText;
import io.flumesentinel.config.SilencesConfig;
import io.flumesentinel.event.Alert;
import io.flumesentinel.event.Reason;
import io.flumesentinel.protocol.AgentId;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

/**
 * The rules a silence must pass to mute anything, wherever it comes from: {@code silence add}
 * checks a new one with them, and the monitor checks every silence it reads from ZooKeeper with the
 * same rules, since anyone who can write there can write a silence without the command. A silence
 * that breaks them is refused: it mutes nothing and is listed as invalid. Pure and immutable.
 *
 * <p><b>A silence must name something.</b> It is refused when none of its matchers narrows what it
 * mutes. A matcher narrows when it fails for some value its label can take:
 *
 * <ul>
 *   <li>A matcher that holds for the empty value ({@code dc!=east}, {@code dc=~.*}) also holds for
 *       every alert without the label: Alertmanager refuses a silence made only of such matchers,
 *       and so does this.
 *   <li>{@code alertname} and {@code severity} take only the values the monitor writes: a matcher
 *       on them narrows only if it fails for one of those ({@code alertname=~Flume.*} does not).
 *   <li>Any other label is tried against a fixed set of values of every shape the labels take
 *       (agent ids, host names, groups, words, digits, punctuation, non-ASCII, long values): a
 *       matcher that holds for all of them ({@code agent=~.+}, {@code host!=""}, {@code
 *       group=~(?s).+}) tests only that the label is there.
 * </ul>
 *
 * A finite set of values cannot decide every regular expression; these catch the patterns that
 * accept anything and the ones that accept every alert name, while any silence that names an agent,
 * a host, a group or an alert passes. Requiring an equality matcher instead would have refused the
 * ordinary {@code host=~flume-0[1-4]}.
 *
 * <p><b>A silence must end.</b> It is refused when it lasts (from its start to its end) longer than
 * {@link #maxDuration()}, so that one written to end in the year 9999 does not mute for ever.
 */
public final class SilenceRules {

  /** The longest a silence may last unless configured otherwise ({@code silences.maxDuration}). */
  public static final Duration DEFAULT_MAX_DURATION = SilencesConfig.DEFAULT_MAX_DURATION;

  /** Every alert name the monitor writes; a test checks it against the classes that write them. */
  static final List<String> ALERT_NAMES =
      List.of(
          "FlumeAgentDown",
          "FlumeAgentStuck",
          "FlumeAgentMemory",
          "FlumeAgentGc",
          "FlumeSourceIdle",
          "FlumeSinkStalled",
          "FlumeChannelFilling",
          "FlumeAgentErrors",
          "FlumeAgentFlapping",
          "FlumeHostDown",
          "FlumeGroupDegraded",
          "FlumeSentinelZooKeeperLost");

  private static final List<String> SEVERITIES =
      Arrays.stream(Reason.values()).map(Reason::severity).distinct().toList();

  /** Values of every shape label values take; see the class comment. */
  private static final List<String> VALUES =
      List.of(
          "a",
          "Z",
          "0",
          "42",
          "_",
          "-",
          ".",
          "default",
          "ingest",
          "a1",
          "flume-01",
          "Flume_Agent.7",
          "flume-01.dc1.example.com",
          "10.0.0.17",
          "*@flume-01.dc1.example.com",
          "*:ingest",
          "monitor-1:5f0b2c1d",
          "UPPER",
          "two words",
          "é",
          "東京",
          "x".repeat(AgentId.MAX_LENGTH),
          "ingest-host-0001.dc1.example.com-a-023");

  /**
   * The agent ids among {@link #VALUES}, and the agent labels of a host-down and a group-degraded
   * alert.
   */
  private static final List<String> AGENT_VALUES =
      VALUES.stream()
          .filter(v -> AgentId.isValid(v) || v.startsWith("*@") || v.startsWith("*:"))
          .toList();

  /** How much of a silence's matchers a problem quotes: values read from ZooKeeper are bounded. */
  private static final int QUOTED_CHARS = 200;

  /** Longer durations are not spelled out (nor turned into milliseconds, which may overflow). */
  private static final Duration CENTURY = Duration.ofDays(36_500);

  private static final SilenceRules DEFAULTS = new SilenceRules(DEFAULT_MAX_DURATION);

  private final Duration maxDuration;

  /**
   * @param maxDuration the longest a silence may last, more than zero
   */
  public SilenceRules(Duration maxDuration) {
    if (maxDuration == null || maxDuration.isNegative() || maxDuration.isZero()) {
      throw new IllegalArgumentException("the longest silence must be more than 0");
    }
    this.maxDuration = maxDuration;
  }

  public static SilenceRules defaults() {
    return DEFAULTS;
  }

  public Duration maxDuration() {
    return maxDuration;
  }

  /** Why {@code silence} may mute nothing, in one line; {@code null} when it passes. */
  public String problem(Silence silence) {
    String matchers = problem(silence.matchers());
    if (matchers != null) {
      return matchers;
    }
    Duration lasts = Duration.between(silence.startsAt(), silence.endsAt());
    if (lasts.compareTo(maxDuration) > 0) {
      return "it lasts "
          + (lasts.compareTo(CENTURY) > 0 ? "more than 36500d" : DurationText.format(lasts))
          + " (from "
          + silence.startsAt()
          + " to "
          + silence.endsAt()
          + "), longer than the "
          + DurationText.format(maxDuration)
          + " a silence may last";
    }
    return null;
  }

  /** Why a silence of {@code matchers} would mute everything; {@code null} when it would not. */
  public static String problem(List<Matcher> matchers) {
    if (matchers.stream().anyMatch(SilenceRules::narrows)) {
      return null;
    }
    String text = quoted(matchers);
    if (matchers.stream().allMatch(Matcher::matchesEmpty)) {
      return "every matcher also matches alerts without the label ("
          + text
          + "), so the silence would mute nearly everything; add a matcher that needs a value,"
          + " such as group=ingest";
    }
    return "no matcher narrows what it mutes ("
        + text
        + " holds for any value of its label, or for every alert name), so the silence would mute"
        + " everything; name what to silence, such as group=ingest";
  }

  /** Whether {@code matcher} fails for some value its label can take; see the class comment. */
  static boolean narrows(Matcher matcher) {
    if (matcher.matchesEmpty()) {
      return false;
    }
    for (String value : valuesOf(matcher.label())) {
      if (!matcher.matches(Map.of(matcher.label(), value))) {
        return true;
      }
    }
    return false;
  }

  private static List<String> valuesOf(String label) {
    return switch (label) {
      case Alert.ALERTNAME -> ALERT_NAMES;
      case "severity" -> SEVERITIES;
      case Alert.AGENT -> AGENT_VALUES;
      default -> VALUES;
    };
  }

  private static String quoted(List<Matcher> matchers) {
    String text = String.join(" ", matchers.stream().map(Matcher::toString).toList());
    if (text.codePointCount(0, text.length()) <= QUOTED_CHARS) {
      return text;
    }
    // whole characters only: a cut pair of surrogates would be no text at all
    return text.substring(0, text.offsetByCodePoints(0, QUOTED_CHARS)) + "…";
  }
}
