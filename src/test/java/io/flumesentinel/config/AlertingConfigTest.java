package io.flumesentinel.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** The keys of runbook links, the Watchdog and receiver fallbacks, as the file writes them. */
class AlertingConfigTest {

  private static final String FILE =
      """
      annotations:
        runbookUrl: "https://wiki.example.com/runbooks/{{alertname}}?agent={{agent}}"
      watchdog:
        interval: 30s
        receiver: deadman
      receiverFailing:
        after: 2m
      receivers:
        - name: ops
          urls: [ "http://ops/hook" ]
          fallback: pager
          failingAfter: 1m
          runbookUrl: "https://ops.example.com/{{agent}}"
        - name: pager
          urls: [ "http://pager/hook" ]
        - name: deadman
          urls: [ "http://deadman/hook" ]
      route:
        receivers: [ ops ]
        routes:
          - match: { group: payments }
            runbookUrl: "https://payments.example.com/{{agent}}"
            routes:
              - match: { severity: critical }
      """;

  @Test
  void readsEveryKey() {
    MonitorConfig config = ConfigLoader.parse(FILE, "monitor.yaml");
    assertThat(config.annotations().runbookUrl().render(Map.of("alertname", "X", "agent", "a")))
        .isEqualTo("https://wiki.example.com/runbooks/X?agent=a");
    assertThat(config.watchdog())
        .isEqualTo(new WatchdogConfig(true, Duration.ofSeconds(30), "deadman"));
    assertThat(config.receiverFailing().after()).isEqualTo(Duration.ofMinutes(2));
    ReceiverOptions ops = config.receivers().get(0).options();
    assertThat(ops.fallback()).isEqualTo("pager");
    assertThat(ops.failingAfter()).isEqualTo(Duration.ofMinutes(1));
    assertThat(ops.runbookUrl().render(Map.of("agent", "a")))
        .isEqualTo("https://ops.example.com/a");
    assertThat(config.receivers().get(1).options()).isEqualTo(ReceiverOptions.NONE);
    RouteConfig payments = config.route().routes().get(0);
    assertThat(payments.runbookUrl().render(Map.of("agent", "p")))
        .isEqualTo("https://payments.example.com/p");
    // A child route without its own inherits it; the root sets none.
    assertThat(payments.routes().get(0).runbookUrl()).isEqualTo(payments.runbookUrl());
    assertThat(config.route().runbookUrl()).isNull();
  }

  @Test
  void byDefaultNoWatchdogNoRunbookAndFiveMinutesOfFailure() {
    MonitorConfig config =
        ConfigLoader.parse("receivers:\n  - name: ops\n    urls: [ \"http://ops/hook\" ]\n", "m");
    assertThat(config.watchdog().enabled()).isFalse();
    assertThat(config.annotations().runbookUrl()).isNull();
    assertThat(config.receiverFailing().after()).isEqualTo(Duration.ofMinutes(5));
    assertThat(config.receivers().get(0).options().fallback()).isNull();
  }

  @ParameterizedTest(name = "{1}")
  @CsvSource(
      delimiter = '|',
      value = {
        "annotations: { runbookUrl: 'https://wiki/{{agent' } | annotations.runbookUrl",
        "watchdog: { receiver: nobody } | watchdog.receiver: no receiver named 'nobody'",
        "watchdog: { enabled: true } | watchdog.receiver: is required",
        "watchdog: { receiver: ops, interval: 10ms } | watchdog.interval",
        "receiverFailing: { after: 0s } | receiverFailing.after",
      })
  void eachProblemNamesItsKey(String section, String expected) {
    String yaml = section + "\nreceivers:\n  - name: ops\n    urls: [ \"http://ops/hook\" ]\n";
    assertThatThrownBy(() -> ConfigLoader.parse(yaml, "monitor.yaml"))
        .isInstanceOf(ConfigException.class)
        .hasMessageStartingWith(expected);
  }

  @ParameterizedTest(name = "{1}")
  @CsvSource(
      delimiter = '|',
      value = {
        "fallback: nobody | receivers[0].fallback: no receiver named 'nobody'",
        "fallback: ops | receivers[0].fallback: a receiver cannot be its own fallback",
        "runbookUrl: 'https://x/{{a b}}' | receivers[0].runbookUrl",
        "failingAfter: 30d | receivers[0].failingAfter",
      })
  void eachReceiverProblemNamesItsKey(String key, String expected) {
    String yaml = "receivers:\n  - name: ops\n    urls: [ \"http://ops/hook\" ]\n    " + key + "\n";
    assertThatThrownBy(() -> ConfigLoader.parse(yaml, "monitor.yaml"))
        .isInstanceOf(ConfigException.class)
        .hasMessageStartingWith(expected);
  }

  @Test
  void aRouteRunbookProblemNamesItsKey() {
    String yaml =
        "receivers:\n  - name: ops\n    urls: [ \"http://ops/hook\" ]\n"
            + "route:\n  receivers: [ ops ]\n  routes:\n    - match: { group: g }\n"
            + "      runbookUrl: 'ftp://x/{{agent}}'\n";
    assertThatThrownBy(() -> ConfigLoader.parse(yaml, "monitor.yaml"))
        .isInstanceOf(ConfigException.class)
        .hasMessageStartingWith("route.routes[0].runbookUrl");
  }
}
