package io.flumesentinel.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.flumesentinel.alert.Router;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class RouteConfigTest {

  private static final String RECEIVERS =
      """
      receivers:
        - name: ops
          urls: [ "http://ops/hook" ]
        - name: ingest-team
          urls: [ "http://ingest/hook" ]
        - name: ops-mail
          urls: [ "http://mail/hook" ]
      """;

  private static final String ROUTE =
      """
      route:
        receivers: [ ops ]
        routes:
          - match: { group: ingest }
            matchRe: { host: "flume-0[1-4]" }
            receivers: [ ingest-team, ops-mail ]
            continue: true
            routes:
              - match: { severity: critical }
          - matchRe: { agent: "db-.*" }
            receivers: [ ops-mail ]
      """;

  @Test
  void readsTheRouteTree() {
    MonitorConfig config = ConfigLoader.parse(RECEIVERS + ROUTE, "monitor.yaml");

    RouteConfig child =
        new RouteConfig(
            Map.of("severity", "critical"),
            Map.of(),
            List.of("ingest-team", "ops-mail"),
            false,
            List.of());
    assertThat(config.route())
        .isEqualTo(
            RouteConfig.root(
                List.of("ops"),
                List.of(
                    new RouteConfig(
                        Map.of("group", "ingest"),
                        Map.of("host", "flume-0[1-4]"),
                        List.of("ingest-team", "ops-mail"),
                        true,
                        List.of(child)),
                    new RouteConfig(
                        Map.of(),
                        Map.of("agent", "db-.*"),
                        List.of("ops-mail"),
                        false,
                        List.of()))));
  }

  @Test
  void withoutARouteEveryAlertGoesToEveryReceiver() {
    MonitorConfig config = ConfigLoader.parse(RECEIVERS, "monitor.yaml");

    assertThat(config.route()).isNull();
    assertThat(
            Router.of(config.route(), List.of("ops", "ingest-team", "ops-mail"))
                .receivers(Map.of()))
        .containsExactly("ops", "ingest-team", "ops-mail");
  }

  @Test
  void webhookOnTheCommandLineDropsTheRoute() {
    MonitorConfig file = ConfigLoader.parse(RECEIVERS + ROUTE, "monitor.yaml");

    MonitorConfig config =
        new ConfigOverrides(null, null, null, List.of("http://cli/hook"), null).applyTo(file);

    assertThat(config.route()).isNull();
    assertThat(config.receivers()).extracting(ReceiverConfig::name).containsExactly("webhook-1");
  }

  @Test
  void otherOverridesKeepTheRoute() {
    MonitorConfig file = ConfigLoader.parse(RECEIVERS + ROUTE, "monitor.yaml");

    MonitorConfig config = new ConfigOverrides(null, null, 9999, null, null).applyTo(file);

    assertThat(config.route()).isEqualTo(file.route());
  }

  @Test
  void theCommentedRouteExampleOfTheShippedConfigIsValid() throws Exception {
    String shipped = Files.readString(Path.of("conf", "monitor.yaml"));
    String uncommented = uncomment(shipped, "  # - name: oncall-mail", "(?m)^  # ?", "  ");
    uncommented = uncomment(uncommented, "  # - name: ops-dingtalk", "(?m)^  # ?", "  ");
    uncommented = uncomment(uncommented, "# route:", "(?m)^# ?", "");
    Map<String, String> environment =
        Map.of(
            "SMTP_PASSWORD", "s3cret",
            "DINGTALK_URL", "https://oapi.dingtalk.com/robot/send?access_token=abc",
            "DINGTALK_SECRET", "SEC0123456789abcdef0123456789abcdef");

    MonitorConfig config = ConfigLoader.parse(uncommented, "monitor.yaml", environment::get);

    assertThat(config.route().receivers()).containsExactly("ops");
    assertThat(config.route().routes()).hasSize(2);
    assertThat(config.route().grouping()).isEqualTo(GroupingConfig.DEFAULT);
    assertThat(config.route().routes().get(1).grouping())
        .isEqualTo(
            new GroupingConfig(List.of("alertname", "host"), Duration.ZERO, Duration.ofHours(1)));
    Router router =
        Router.of(config.route(), config.receivers().stream().map(ReceiverConfig::name).toList());
    assertThat(
            router.receivers(Map.of("group", "ingest", "host", "flume-02", "severity", "critical")))
        .containsExactly("oncall-mail", "ops");
    assertThat(router.receivers(Map.of("group", "db", "severity", "critical")))
        .containsExactly("ops-dingtalk");
    assertThat(router.receivers(Map.of("group", "web", "severity", "warning")))
        .containsExactly("ops");
  }

  @Test
  void withoutGroupingKeysEveryRouteGroupsByAlertnameAtOnceAndRepeatsEveryFourHours() {
    MonitorConfig config = ConfigLoader.parse(RECEIVERS + ROUTE, "monitor.yaml");

    assertThat(config.route().grouping()).isEqualTo(GroupingConfig.DEFAULT);
    assertThat(config.route().routes().get(0).routes().get(0).grouping())
        .isEqualTo(new GroupingConfig(List.of("alertname"), Duration.ZERO, Duration.ofHours(4)));
  }

  @Test
  void eachGroupingKeyIsInheritedOnItsOwnByChildRoutes() {
    String route =
        """
        route:
          receivers: [ ops ]
          groupBy: [ host ]
          groupInterval: 1s
          repeatInterval: 1h
          routes:
            - match: { group: ingest }
              groupWait: 30s
              routes:
                - match: { severity: critical }
                  groupBy: [ "..." ]
                  repeatInterval: 1d12h
            - match: { group: web }
              groupBy: []
        """;

    RouteConfig root = ConfigLoader.parse(RECEIVERS + route, "monitor.yaml").route();

    assertThat(root.grouping())
        .isEqualTo(
            new GroupingConfig(
                List.of("host"), Duration.ZERO, Duration.ofSeconds(1), Duration.ofHours(1)));
    RouteConfig ingest = root.routes().get(0);
    assertThat(ingest.grouping())
        .isEqualTo(
            new GroupingConfig(
                List.of("host"),
                Duration.ofSeconds(30),
                Duration.ofSeconds(1),
                Duration.ofHours(1)));
    GroupingConfig critical = ingest.routes().get(0).grouping();
    assertThat(critical)
        .isEqualTo(
            new GroupingConfig(
                List.of("..."),
                Duration.ofSeconds(30),
                Duration.ofSeconds(1),
                Duration.ofHours(36)));
    assertThat(critical.byAllLabels()).isTrue();
    assertThat(root.routes().get(1).grouping().groupBy()).isEmpty();
  }

  @ParameterizedTest(name = "{0} = {1} ms")
  @MethodSource("durations")
  void durationsAreWrittenAsInAlertmanager(String written, long millis) {
    String route = "route:\n  receivers: [ ops ]\n  groupWait: " + written + "\n";

    RouteConfig root = ConfigLoader.parse(RECEIVERS + route, "monitor.yaml").route();

    assertThat(root.grouping().groupWait()).isEqualTo(Duration.ofMillis(millis));
  }

  static Stream<Arguments> durations() {
    return Stream.of(
        Arguments.of("0", 0L),
        Arguments.of("0s", 0L),
        Arguments.of("500ms", 500L),
        Arguments.of("30s", 30_000L),
        Arguments.of("5m", 300_000L),
        Arguments.of("1m30s", 90_000L),
        Arguments.of("\"1h\"", 3_600_000L));
  }

  /** Uncomments the block that starts at {@code marker} and ends at a blank line or the end. */
  private static String uncomment(String text, String marker, String comment, String indent) {
    int start = text.indexOf(marker);
    assertThat(start).as(marker).isNotNegative();
    int end = text.indexOf("\n\n", start);
    String block = text.substring(start, end < 0 ? text.length() : end);
    return text.replace(block, block.replaceAll(comment, indent));
  }

  @ParameterizedTest(name = "{1}")
  @MethodSource("invalidRoutes")
  void eachProblemNamesItsKey(String route, String expectedMessage) {
    assertThatThrownBy(() -> ConfigLoader.parse(RECEIVERS + route, "monitor.yaml"))
        .isInstanceOf(ConfigException.class)
        .hasMessage(expectedMessage)
        .satisfies(e -> assertThat(e.getMessage()).doesNotContain("\n"));
  }

  static Stream<Arguments> invalidRoutes() {
    String head = "route:\n  receivers: [ ops ]\n  routes:\n";
    return Stream.of(
        Arguments.of(
            head + "    - receivers: [ ops, x ]\n",
            "route.routes[0].receivers[1]: no receiver named 'x'; receivers are ingest-team, ops,"
                + " ops-mail"),
        Arguments.of(
            head
                + "    - match: { group: ingest }\n"
                + "      routes:\n"
                + "        - { receivers: [ ops ] }\n"
                + "        - { receivers: [ nobody ] }\n",
            "route.routes[0].routes[1].receivers[0]: no receiver named 'nobody'; receivers are"
                + " ingest-team, ops, ops-mail"),
        Arguments.of(
            "route:\n  receivers: [ opps ]\n",
            "route.receivers[0]: no receiver named 'opps'; receivers are ingest-team, ops,"
                + " ops-mail"),
        Arguments.of(
            head + "    - matchRe: { host: \"flume-0[1-4\" }\n",
            "route.routes[0].matchRe.host: 'flume-0[1-4' is not a valid regex: Unclosed character"
                + " class near index 10"),
        Arguments.of(
            head + "    - matchRe: { host: \"*x\" }\n",
            "route.routes[0].matchRe.host: '*x' is not a valid regex: Dangling meta character '*'"
                + " near index 0"),
        Arguments.of(
            head + "    - mach: { group: ingest }\n",
            "route.routes[0].mach: unknown key (did you mean 'match'?)"),
        Arguments.of(
            head + "    - match: { group: ingest }\n      continue: maybe\n",
            "route.routes[0].continue: must be true or false, got 'maybe'"),
        Arguments.of(
            head + "    - match: { group: [ ingest ] }\n",
            "route.routes[0].match.group: must be a plain value, got a list"),
        Arguments.of(
            head + "    - match: ingest\n",
            "route.routes[0].match: must be a mapping of keys, got 'ingest'"),
        Arguments.of(
            "route:\n  routes: x\n  receivers: [ ops ]\n", "route.routes: must be a list, got 'x'"),
        Arguments.of(
            "route:\n  match: { group: ingest }\n  receivers: [ ops ]\n",
            "route.match: the default route matches every alert; match, matchRe and continue belong"
                + " on its child routes"),
        Arguments.of(
            "route:\n  routes: []\n",
            "route.receivers: the default route needs at least one receiver, for the alerts no"
                + " child route takes"),
        Arguments.of("route: [ ops ]\n", "route: must be a mapping of keys, got a list"),
        Arguments.of(
            head + "    - groupBy: [ \"...\", host ]\n",
            "route.routes[0].groupBy[0]: '...' groups by every label and must be the only entry of"
                + " groupBy"),
        Arguments.of(
            head + "    - groupBy: [ host, 1dc ]\n",
            "route.routes[0].groupBy[1]: '1dc' is not a label name (letters, digits and '_', not"
                + " starting with a digit), nor '...' for every label"),
        Arguments.of(
            "route:\n  receivers: [ ops ]\n  groupBy: [ host, host ]\n",
            "route.groupBy[1]: 'host' is listed twice"),
        Arguments.of(
            "route:\n  receivers: [ ops ]\n  groupBy: host\n",
            "route.groupBy: must be a list, got 'host'"),
        Arguments.of(
            head + "    - groupWait: 30\n",
            "route.routes[0].groupWait: must be a duration like 30s, 5m or 4h, got '30'"),
        Arguments.of(
            head + "    - groupWait: 2h\n",
            "route.routes[0].groupWait: must be between 0 and 1h, got '2h'"),
        Arguments.of(
            head + "    - groupInterval: 2h\n",
            "route.routes[0].groupInterval: must be between 0 and 1h, got '2h'"),
        Arguments.of(
            "route:\n  receivers: [ ops ]\n  repeatInterval: 10s\n",
            "route.repeatInterval: must be between 1m and 90d, got '10s'"),
        Arguments.of(
            "route:\n  receivers: [ ops ]\n  repeatInterval: 4 hours\n",
            "route.repeatInterval: must be a duration like 30s, 5m or 4h, got '4 hours'"),
        Arguments.of(
            "route:\n  receivers: [ ops ]\n  repeatIntervall: 4h\n",
            "route.repeatIntervall: unknown key (did you mean 'repeatInterval'?)"));
  }
}
