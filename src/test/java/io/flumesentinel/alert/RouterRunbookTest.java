package io.flumesentinel.alert;

import static org.assertj.core.api.Assertions.assertThat;

import io.flumesentinel.config.GroupingConfig;
import io.flumesentinel.config.RouteConfig;
import io.flumesentinel.config.RunbookTemplate;
import io.flumesentinel.event.Alert;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Which runbook link a dispatched alert carries: the route's, else the receiver's, else the global
 * one.
 */
class RouterRunbookTest {

  private static RunbookTemplate template(String url) {
    return RunbookTemplate.read("runbookUrl", url);
  }

  private static final Router ROUTER =
      Router.of(
              new RouteConfig(
                  Map.of(),
                  Map.of(),
                  List.of("ops", "chat", "mail"),
                  false,
                  List.of(
                      new RouteConfig(
                          Map.of("group", "payments"),
                          Map.of(),
                          List.of("ops", "chat"),
                          false,
                          List.of(),
                          GroupingConfig.DEFAULT,
                          template("https://payments/{{agent}}"))),
                  GroupingConfig.DEFAULT),
              List.of("ops", "chat", "mail"))
          .withRunbooks(
              template("https://wiki/{{alertname}}/{{agent}}"),
              Map.of("chat", template("https://chat-runbooks/{{agent}}")));

  private static Alert alert(String group) {
    TreeMap<String, String> labels = new TreeMap<>();
    labels.put(Alert.ALERTNAME, "FlumeAgentDown");
    labels.put(Alert.AGENT, "a 1");
    labels.put("group", group);
    return new Alert(Alert.Status.FIRING, labels, new TreeMap<>(), Instant.EPOCH, null, "");
  }

  @ParameterizedTest
  @CsvSource({
    "ingest, ops, https://wiki/FlumeAgentDown/a%201",
    "ingest, chat, https://chat-runbooks/a%201",
    "ingest, mail, https://wiki/FlumeAgentDown/a%201",
    "payments, ops, https://payments/a%201",
    "payments, chat, https://payments/a%201",
  })
  void theMostSpecificTemplateWins(String group, String receiver, String link) {
    Alert sent = ROUTER.dispatch(alert(group), receiver).notice().alert();
    assertThat(sent.annotation(Router.RUNBOOK_URL)).isEqualTo(link);
  }

  @ParameterizedTest
  @CsvSource({"ingest", "payments"})
  void withoutTemplatesNoLinkIsAdded(String group) {
    Router plain = Router.of(null, List.of("ops"));
    assertThat(plain.dispatch(alert(group), "ops").notice().alert().annotations())
        .doesNotContainKey(Router.RUNBOOK_URL);
  }
}
