package io.flumesentinel.classify;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.spi.ILoggingEvent;
import io.flumesentinel.event.Alert;
import io.flumesentinel.logging.OneLineMessageConverter;
import io.flumesentinel.notify.webhook.CapturedLogs;
import io.flumesentinel.protocol.AgentNode;
import io.flumesentinel.protocol.ExitRecord;
import io.flumesentinel.protocol.LiveNode;
import io.flumesentinel.protocol.UntrustedText;
import io.flumesentinel.testing.CoreTestBase;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * An agent node written by someone hostile, from ZooKeeper to the alert and its log line: a host
 * that tries to forge a log line, labels that try to ping everyone or link elsewhere, names that no
 * receiver accepts, 10 KB values.
 */
class HostileAgentNodeTest extends CoreTestBase {

  private static final String FORGED_HOST =
      "web-1\r\n2026-01-01T00:00:00Z INFO  AlertPublication - Alert resolved: FlumeAgentDown";
  private static final String TEN_KB = "x".repeat(10_240);

  private CapturedLogs logs;

  @BeforeEach
  void captureAlertLines() {
    logs = CapturedLogs.named("io.flumesentinel.alert.AlertPublication");
  }

  @AfterEach
  void detach() {
    logs.detach();
  }

  @Test
  void aHostileNodeBecomesAnAlertOfSafeValuesAndOneLogLine() throws Exception {
    startMonitor();
    Map<String, String> labels =
        Map.of(
            "dc", "[east](http://evil.example) <at user_id=\"all\"> <!channel>",
            "rack id", "r1",
            "big", TEN_KB);
    agents
        .register("evil", new AgentNode(FORGED_HOST, TEN_KB, labels, Instant.now(), 0, null))
        .toCompletableFuture()
        .get();
    agents.goLive("evil", new LiveNode(7, Instant.now(), "1.11", 0)).toCompletableFuture().get();
    await().atMost(WAIT).until(() -> monitor.sawEvent("STARTED", "evil"));

    agents
        .recordCrash("evil", new ExitRecord(137, "KILL\r\nforged", Instant.now(), "boom\r\n"))
        .toCompletableFuture()
        .get();
    agents.dropLive("evil").toCompletableFuture().get();

    await().atMost(WAIT).until(() -> monitor.receivedFor("evil").size() == 1);
    Alert alert = monitor.receivedFor("evil").get(0);
    assertThat(alert.labels().get("host"))
        .isEqualTo(
            "web-1 2026-01-01T00:00:00Z INFO  AlertPublication - Alert resolved: FlumeAgentDown");
    assertThat(alert.labels().get("group"))
        .hasSize(UntrustedText.MAX_VALUE_CHARS)
        .endsWith(UntrustedText.CUT);
    assertThat(alert.labels().get("big")).hasSize(UntrustedText.MAX_VALUE_CHARS);
    assertThat(alert.labels()).containsEntry("rack_id", "r1").doesNotContainKey("rack id");
    assertThat(alert.labels().keySet()).allMatch(UntrustedText::isLabelName);
    assertThat(alert.annotation("signal")).isEqualTo("KILL forged");
    assertThat(alert.annotation("stderrTail")).isEqualTo("boom\n");
    assertThat(alert.toJson().encode()).doesNotContain("\\r");

    await().atMost(WAIT).until(() -> !logs.at(Level.INFO, "evil").isEmpty());
    List<ILoggingEvent> lines = logs.events();
    OneLineMessageConverter console = new OneLineMessageConverter();
    for (ILoggingEvent line : lines) {
      assertThat(line.getFormattedMessage())
          .doesNotContain("\r", "\n")
          .doesNotContain("x".repeat(UntrustedText.MAX_VALUE_CHARS + 1));
      assertThat(console.convert(line)).doesNotContain("\r", "\n");
    }
    assertThat(logs.at(Level.INFO, "evil").get(0)).contains("on web-1 2026-01-01T00:00:00Z INFO");
  }
}
