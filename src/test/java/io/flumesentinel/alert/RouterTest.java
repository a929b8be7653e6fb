package io.flumesentinel.alert;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.flumesentinel.config.RouteConfig;
import java.util.List;
import java.util.Map;
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

  /** The README's example: ingest on flume-01..04 to the team and mail, the rest to ops. */
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
