package io.flumesentinel.silence;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** Which silence mutes which labels when, with the clock injected: no waiting. */
class SilencesTest {

  private static final Instant T0 = Instant.parse("2026-11-22T10:00:00Z");
  private static final Map<String, String> INGEST_A1 =
      Map.of("alertname", "FlumeAgentDown", "agent", "a1", "group", "ingest", "host", "flume-01");
  private static final Map<String, String> WEB_W1 =
      Map.of("alertname", "FlumeAgentDown", "agent", "w1", "group", "web", "host", "web-01");

  /** group=ingest from T0 for 2 h. */
  private static final Silence INGEST = silence("s-ingest", T0, hours(2), "group=ingest");

  /** host=~flume-0[1-4] and alertname=FlumeAgentDown, from T0+1h for 1 h. */
  private static final Silence HOSTS =
      silence(
          "s-hosts", T0.plus(hours(1)), hours(1), "host=~flume-0[1-4]", "alertname=FlumeAgentDown");

  /** group!=ingest and agent=~w.*, T0 for 30 min. */
  private static final Silence NOT_INGEST =
      silence("s-web", T0, Duration.ofMinutes(30), "group!=ingest", "agent=~w.*");

  private static final Silences ALL = new Silences(List.of(INGEST, HOSTS, NOT_INGEST));

  static Stream<Arguments> mutes() {
    return Stream.of(
        // labels, minutes after T0, expected silencedBy
        Arguments.of(INGEST_A1, -1, List.of()), // before any starts: pending
        Arguments.of(INGEST_A1, 0, List.of("s-ingest")), // the start is included
        Arguments.of(INGEST_A1, 59, List.of("s-ingest")),
        Arguments.of(INGEST_A1, 60, List.of("s-hosts", "s-ingest")), // both, ids sorted
        Arguments.of(INGEST_A1, 119, List.of("s-hosts", "s-ingest")),
        Arguments.of(INGEST_A1, 120, List.of()), // the end is excluded
        Arguments.of(WEB_W1, 0, List.of("s-web")),
        Arguments.of(WEB_W1, 29, List.of("s-web")),
        Arguments.of(WEB_W1, 30, List.of()),
        Arguments.of(WEB_W1, 60, List.of()), // s-hosts: host does not match
        Arguments.of(Map.of("agent", "x"), 60, List.of())); // no group, no host
  }

  @ParameterizedTest(name = "{0} at T0+{1}m → {2}")
  @MethodSource("mutes")
  void silencedByAtAnInstant(Map<String, String> labels, int minutes, List<String> expected) {
    Instant at = T0.plus(Duration.ofMinutes(minutes));

    assertThat(ALL.silencedBy(labels, at)).isEqualTo(expected);

    SilenceIndex index = new SilenceIndex(Clock.fixed(at, ZoneOffset.UTC));
    index.update(ALL);
    assertThat(index.silencedBy(labels)).isEqualTo(expected);
  }

  static Stream<Arguments> states() {
    return Stream.of(
        Arguments.of(-1, Silence.State.PENDING),
        Arguments.of(0, Silence.State.ACTIVE),
        Arguments.of(119, Silence.State.ACTIVE),
        Arguments.of(120, Silence.State.EXPIRED));
  }

  @ParameterizedTest(name = "T0+{0}m → {1}")
  @MethodSource("states")
  void stateFollowsTheClock(int minutes, Silence.State expected) {
    assertThat(INGEST.state(T0.plus(Duration.ofMinutes(minutes)))).isEqualTo(expected);
  }

  @Test
  void nextChangeIsTheNearestStartOrEnd() {
    assertThat(ALL.nextChange(T0.minusSeconds(1))).contains(T0);
    assertThat(ALL.nextChange(T0)).contains(T0.plus(Duration.ofMinutes(30)));
    assertThat(ALL.nextChange(T0.plus(Duration.ofMinutes(30)))).contains(T0.plus(hours(1)));
    assertThat(ALL.nextChange(T0.plus(hours(1)))).contains(T0.plus(hours(2)));
    assertThat(ALL.nextChange(T0.plus(hours(2)))).isEmpty();
  }

  @Test
  void listingOrderIsActivePendingExpired() {
    Instant at = T0.plus(Duration.ofMinutes(45));

    assertThat(ALL.all(at)).containsExactly(INGEST, HOSTS, NOT_INGEST);
    assertThat(ALL.inState(Silence.State.EXPIRED, at)).containsExactly(NOT_INGEST);
    assertThat(ALL.expiredBy(T0.plus(Duration.ofMinutes(30)))).containsExactly(NOT_INGEST);
    assertThat(ALL.expiredBy(T0.plus(Duration.ofMinutes(29)))).isEmpty();
  }

  @Test
  void expiringEndsAnActiveSilenceNowAndAPendingOneBeforeItStarts() {
    Instant now = T0.plus(Duration.ofMinutes(10));

    Silence active = INGEST.expire(now);
    assertThat(active.startsAt()).isEqualTo(T0);
    assertThat(active.endsAt()).isEqualTo(now);
    assertThat(active.state(now)).isEqualTo(Silence.State.EXPIRED);

    Silence pending = HOSTS.expire(now);
    assertThat(pending.startsAt()).isEqualTo(now);
    assertThat(pending.endsAt()).isEqualTo(now);
    assertThat(new Silences(List.of(pending)).silencedBy(INGEST_A1, T0.plus(hours(1)))).isEmpty();

    assertThatThrownBy(() -> active.expire(now.plusSeconds(1)))
        .isInstanceOf(IllegalStateException.class)
        .hasMessage("silence s-ingest already expired at " + now);
  }

  static Stream<Arguments> refused() {
    Instant later = T0.plus(hours(1));
    return Stream.of(
        Arguments.of(
            List.of("group!=ingest"),
            T0,
            later,
            "me",
            "why",
            "every matcher also matches alerts without the label (group!=\"ingest\"), so the"
                + " silence would mute nearly everything; add a matcher that needs a value, such as"
                + " group=ingest"),
        Arguments.of(List.of("dc=~.*"), T0, later, "me", "why", null),
        Arguments.of(List.of("group=ingest"), T0, later, " ", "why", "the author is empty"),
        Arguments.of(
            List.of("group=ingest"),
            T0,
            later,
            "me",
            "",
            "the comment is empty: say why the alerts are silenced"),
        Arguments.of(
            List.of("group=ingest"),
            later,
            T0,
            "me",
            "why",
            "the end " + T0 + " is not after the start " + later),
        Arguments.of(
            List.of("group=ingest"),
            T0.minus(hours(3)),
            T0.minus(hours(1)),
            "me",
            "why",
            "the end " + T0.minus(hours(1)) + " is in the past"));
  }

  @ParameterizedTest(name = "{0} {3}/{4} → {5}")
  @MethodSource("refused")
  void aNewSilenceIsCheckedAsAmtoolChecksIt(
      List<String> matchers,
      Instant start,
      Instant end,
      String author,
      String comment,
      String message) {
    List<Matcher> parsed = matchers.stream().map(Matcher::parse).toList();
    var creation =
        assertThatThrownBy(() -> Silence.create(parsed, start, end, author, comment, T0))
            .isInstanceOf(IllegalArgumentException.class);
    if (message != null) {
      creation.hasMessage(message);
    }
  }

  @Test
  void aNewSilenceGetsAUuidAndKeepsWhatItWasGiven() {
    Silence created =
        Silence.create(
            List.of(Matcher.parse("group=ingest")), T0, T0.plus(hours(2)), " ops ", "JIRA-1", T0);

    assertThat(created.id()).matches("[0-9a-f-]{36}");
    assertThat(created.createdBy()).isEqualTo("ops");
    assertThat(created.state(T0)).isEqualTo(Silence.State.ACTIVE);
    assertThat(Silence.parse(created.id(), created.toBytes())).isEqualTo(created);
  }

  @Test
  void storedJsonIsReadTolerantly() {
    String json =
        """
        {"id": "ignored", "matchers": [{"name": "group", "value": "ingest"}],
         "startsAt": "2026-11-22T10:00:00Z", "endsAt": "2026-11-22T12:00:00Z",
         "updatedAt": "2026-11-22T10:00:00Z", "status": {"state": "active"}}
        """;

    Silence read = Silence.parse("s1", json.getBytes(StandardCharsets.UTF_8));

    assertThat(read)
        .isEqualTo(
            new Silence(
                "s1",
                List.of(new Matcher("group", Matcher.Op.EQUAL, "ingest")),
                T0,
                T0.plus(hours(2)),
                "",
                ""));
  }

  static Stream<Arguments> unreadable() {
    return Stream.of(
        Arguments.of("[1]", "silence s1 is not a JSON object"),
        Arguments.of("{\"startsAt\": \"x\"}", "silence s1: matchers must be an array"),
        Arguments.of(
            "{\"matchers\": [{\"name\": \"g\", \"value\": 1}]}",
            "silence s1: matcher.value must be a string"),
        Arguments.of(
            "{\"matchers\": [{\"name\": \"g\", \"value\": \"v\"}], \"startsAt\": \"soon\","
                + " \"endsAt\": \"2026-11-22T12:00:00Z\"}",
            "silence s1: startsAt 'soon' is not an ISO instant"),
        Arguments.of(
            "{\"matchers\": [], \"startsAt\": \"2026-11-22T10:00:00Z\","
                + " \"endsAt\": \"2026-11-22T12:00:00Z\"}",
            "silence s1: a silence needs at least one matcher"));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("unreadable")
  void unreadableJsonIsNamed(String json, String message) {
    assertThatThrownBy(() -> Silence.parse("s1", json.getBytes(StandardCharsets.UTF_8)))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage(message);
  }

  private static Duration hours(long n) {
    return Duration.ofHours(n);
  }

  private static Silence silence(String id, Instant start, Duration length, String... matchers) {
    return new Silence(
        id,
        Stream.of(matchers).map(Matcher::parse).toList(),
        start,
        start.plus(length),
        "ops",
        "test");
  }
}
