package io.flumesentinel.alert;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.flumesentinel.config.GroupingConfig;
import io.flumesentinel.config.RouteConfig;
import io.flumesentinel.event.Alert;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class RouterTest {

  private static final List<String> ALL = List.of("ops", "ingest-team", "ops-mail", "db");

  private static RouteConfig route(
      Map<String, String> match,
      Map<String, String> matchRe,
      List<String> receivers,
      boolean continueMatching,
      RouteConfig... routes) {
    return new RouteConfig(match, matchRe, receivers, continueMatching, List.of(routes));
  }

  /**
   * The routing example of docs/notifications.md: ingest on flume-01..04 to the team and mail, the
   * rest to ops.
   */
  private static final RouteConfig README =
      RouteConfig.root(
          List.of("ops"),
          List.of(
              route(
                  Map.of("group", "ingest"),
                  Map.of("host", "flume-0[1-4]"),
                  List.of("ingest-team", "ops-mail"),
                  false)));

  private static final RouteConfig FIRST_WINS =
      RouteConfig.root(
          List.of("ops"),
          List.of(
              route(Map.of("group", "ingest"), Map.of(), List.of("ingest-team"), false),
              route(Map.of("severity", "critical"), Map.of(), List.of("ops-mail"), false)));

  private static final RouteConfig CONTINUE =
      RouteConfig.root(
          List.of("ops"),
          List.of(
              route(Map.of("group", "ingest"), Map.of(), List.of("ingest-team", "ops"), true),
              route(Map.of("severity", "critical"), Map.of(), List.of("ops-mail", "ops"), false),
              route(Map.of(), Map.of("agent", ".*"), List.of("db"), false)));

  private static final RouteConfig NESTED =
      RouteConfig.root(
          List.of("ops"),
          List.of(
              route(
                  Map.of("group", "ingest"),
                  Map.of(),
                  List.of("ingest-team"),
                  false,
                  route(Map.of("severity", "critical"), Map.of(), List.of("ops-mail"), false),
                  route(Map.of(), Map.of("dc", "east|west"), List.of("db"), false))));

  private static final RouteConfig ABSENT_LABEL =
      RouteConfig.root(
          List.of("ops"), List.of(route(Map.of("dc", ""), Map.of(), List.of("db"), false)));

  static Stream<Arguments> cases() {
    return Stream.of(
        Arguments.of("no route: everyone", null, labels("ingest", "flume-01"), ALL),
        Arguments.of(
            "exact and regex match",
            README,
            labels("ingest", "flume-03"),
            List.of("ingest-team", "ops-mail")),
        Arguments.of(
            "regex is a full match", README, labels("ingest", "flume-033"), List.of("ops")),
        Arguments.of("regex misses", README, labels("ingest", "flume-05"), List.of("ops")),
        Arguments.of("exact misses", README, labels("web", "flume-01"), List.of("ops")),
        Arguments.of(
            "first matching child wins",
            FIRST_WINS,
            with(labels("ingest", "h"), "severity", "critical"),
            List.of("ingest-team")),
        Arguments.of(
            "a later child when the first misses",
            FIRST_WINS,
            with(labels("web", "h"), "severity", "critical"),
            List.of("ops-mail")),
        Arguments.of(
            "continue tries later siblings, without repeats",
            CONTINUE,
            with(labels("ingest", "h"), "severity", "critical"),
            List.of("ingest-team", "ops", "ops-mail")),
        Arguments.of(
            "continue, then the next sibling does not match",
            CONTINUE,
            with(labels("ingest", "h"), "severity", "warning"),
            List.of("ingest-team", "ops", "db")),
        Arguments.of(
            "nested child",
            NESTED,
            with(labels("ingest", "h"), "severity", "critical"),
            List.of("ops-mail")),
        Arguments.of(
            "nested regex on an agent label",
            NESTED,
            with(with(labels("ingest", "h"), "severity", "warning"), "dc", "west"),
            List.of("db")),
        Arguments.of(
            "a matching node whose children miss uses its own",
            NESTED,
            with(labels("ingest", "h"), "severity", "warning"),
            List.of("ingest-team")),
        Arguments.of("root when nothing matches", NESTED, labels("web", "h"), List.of("ops")),
        Arguments.of("an absent label is empty", ABSENT_LABEL, labels("web", "h"), List.of("db")),
        Arguments.of(
            "a present label is not empty",
            ABSENT_LABEL,
            with(labels("web", "h"), "dc", "east"),
            List.of("ops")));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("cases")
  void routes(String name, RouteConfig route, Map<String, String> labels, List<String> expected) {
    assertThat(Router.of(route, ALL).receivers(labels)).containsExactlyElementsOf(expected);
  }

  private static GroupingConfig grouping(List<String> groupBy, Duration repeatInterval) {
    return new GroupingConfig(groupBy, Duration.ZERO, repeatInterval);
  }

  /** Root by host every 4 h; ingest by host and dc every hour, with continue; critical by all. */
  private static final RouteConfig GROUPED =
      RouteConfig.root(
          List.of("ops"),
          grouping(List.of("host"), Duration.ofHours(4)),
          List.of(
              new RouteConfig(
                  Map.of("group", "ingest"),
                  Map.of("host", "flume-0[1-4]"),
                  List.of("ingest-team"),
                  true,
                  List.of(
                      new RouteConfig(
                          Map.of("severity", "critical"),
                          Map.of(),
                          List.of("ops-mail"),
                          false,
                          List.of(),
                          grouping(List.of("..."), Duration.ofMinutes(30)))),
                  grouping(List.of("host", "dc"), Duration.ofHours(1))),
              new RouteConfig(
                  Map.of(),
                  Map.of("agent", ".+"),
                  List.of("ingest-team", "db"),
                  false,
                  List.of(),
                  grouping(List.of(), Duration.ofHours(2)))));

  static Stream<Arguments> groups() {
    Map<String, String> ingest = with(labels("ingest", "flume-03"), "dc", "east");
    Map<String, String> web = labels("web", "flume-09");
    return Stream.of(
        Arguments.of(
            "no route: by alertname, every 4 h",
            null,
            web,
            List.of(
                "ops {}:{alertname=\"FlumeAgentDown\"} PT4H",
                "ingest-team {}:{alertname=\"FlumeAgentDown\"} PT4H",
                "ops-mail {}:{alertname=\"FlumeAgentDown\"} PT4H",
                "db {}:{alertname=\"FlumeAgentDown\"} PT4H")),
        Arguments.of(
            "the first route naming a receiver groups for it; continue adds the next one's",
            GROUPED,
            ingest,
            List.of(
                "ingest-team {}/{group=\"ingest\",host=~\"flume-0[1-4]\"}:{dc=\"east\","
                    + " host=\"flume-03\"} PT1H",
                "db {}/{agent=~\".+\"}:{} PT2H")),
        Arguments.of(
            "a nested route's key extends its parent's; '...' groups by every label",
            GROUPED,
            with(ingest, "severity", "critical"),
            List.of(
                "ops-mail {}/{group=\"ingest\",host=~\"flume-0[1-4]\"}/{severity=\"critical\"}:"
                    + "{agent=\"a1\", alertname=\"FlumeAgentDown\", dc=\"east\","
                    + " group=\"ingest\", host=\"flume-03\", severity=\"critical\"} PT30M",
                "ingest-team {}/{agent=~\".+\"}:{} PT2H",
                "db {}/{agent=~\".+\"}:{} PT2H")),
        Arguments.of(
            "a groupBy label the alert lacks is left out",
            GROUPED,
            labels("ingest", "flume-01"),
            List.of(
                "ingest-team {}/{group=\"ingest\",host=~\"flume-0[1-4]\"}:{host=\"flume-01\"}"
                    + " PT1H",
                "db {}/{agent=~\".+\"}:{} PT2H")),
        Arguments.of(
            "the root's own grouping when no child takes the alert",
            RouteConfig.root(
                List.of("ops"),
                grouping(List.of("host"), Duration.ofHours(4)),
                List.of(
                    new RouteConfig(
                        Map.of("group", "db"), Map.of(), List.of("db"), false, List.of()))),
            web,
            List.of("ops {}:{host=\"flume-09\"} PT4H")));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("groups")
  void groupsAsTheFirstRouteNamingTheReceiverSays(
      String name, RouteConfig route, Map<String, String> labels, List<String> expected) {
    List<String> dispatched =
        Router.of(route, ALL).dispatches(alert(labels)).stream()
            .map(d -> d.receiver() + " " + d.notice().group().key() + " " + d.repeatInterval())
            .toList();

    assertThat(dispatched).containsExactlyElementsOf(expected);
  }

  @Test
  void theGroupCarriesItsLabelsAndItsRoutesGroupWait() {
    RouteConfig route =
        RouteConfig.root(
            List.of("ops"),
            new GroupingConfig(
                List.of("host", "group"), Duration.ofSeconds(30), Duration.ofHours(4)),
            List.of());
    Alert alert = alert(labels("ingest", "flume-03"));

    Dispatch dispatch = Router.of(route, ALL).dispatches(alert).get(0);

    assertThat(dispatch.notice().alert()).isEqualTo(alert);
    assertThat(dispatch.notice().group().labels())
        .containsExactly(Map.entry("group", "ingest"), Map.entry("host", "flume-03"));
    assertThat(dispatch.notice().group().groupWait()).isEqualTo(Duration.ofSeconds(30));
  }

  @Test
  void aReceiverTheRoutesNoLongerNameIsGroupedAsTheRootGroups() {
    Alert alert = alert(labels("web", "flume-09"));

    Dispatch dispatch = Router.of(GROUPED, ALL).dispatch(alert, "ops-mail");

    assertThat(dispatch.receiver()).isEqualTo("ops-mail");
    assertThat(dispatch.notice().group().key()).isEqualTo("{}:{host=\"flume-09\"}");
    assertThat(dispatch.repeatInterval()).isEqualTo(Duration.ofHours(4));
  }

  private static Alert alert(Map<String, String> labels) {
    return new Alert(
        Alert.Status.FIRING,
        new TreeMap<>(labels),
        new TreeMap<>(),
        Instant.parse("2025-01-01T00:00:00Z"),
        null,
        "");
  }

  @Test
  void aRouteToAReceiverThatDoesNotExistIsRefused() {
    RouteConfig route =
        RouteConfig.root(
            List.of("ops"),
            List.of(new RouteConfig(Map.of(), Map.of(), List.of("gone"), false, List.of())));

    assertThatThrownBy(() -> Router.of(route, ALL))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("gone");
  }

  private static Map<String, String> labels(String group, String host) {
    return Map.of("alertname", "FlumeAgentDown", "agent", "a1", "group", group, "host", host);
  }

  private static Map<String, String> with(Map<String, String> labels, String name, String value) {
    var copy = new java.util.HashMap<>(labels);
    copy.put(name, value);
    return copy;
  }
}
