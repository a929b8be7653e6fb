package io.flumesentinel.notify.webhook;

import static io.flumesentinel.testing.TestAlerts.firing;
import static io.flumesentinel.testing.TestAlerts.resolved;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

import io.flumesentinel.event.Alert;
import io.flumesentinel.event.AlertGroup;
import io.flumesentinel.testing.TestAlerts;
import io.vertx.core.json.JsonObject;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;

class AlertmanagerPayloadTest {

  private static final AlertGroup BY_ALERTNAME =
      AlertGroup.of("{}", Map.of("alertname", "FlumeAgentDown"), Duration.ZERO);

  @Test
  void hasEveryFieldOfAlertmanagerWebhookVersion4() {
    Alert a = firing("a");
    Alert b = resolved(firing("b"));

    JsonObject body =
        AlertmanagerPayload.of("ops", "http://sentinel:8080", BY_ALERTNAME, List.of(a, b));

    assertThat(body.fieldNames())
        .containsExactlyInAnyOrder(
            "version",
            "groupKey",
            "truncatedAlerts",
            "status",
            "receiver",
            "groupLabels",
            "commonLabels",
            "commonAnnotations",
            "externalURL",
            "alerts");
    assertThat(body.getString("version")).isEqualTo("4");
    assertThat(body.getInteger("truncatedAlerts")).isZero();
    assertThat(body.getString("receiver")).isEqualTo("ops");
    assertThat(body.getString("externalURL")).isEqualTo("http://sentinel:8080");
    assertThat(body.getString("status")).isEqualTo("firing");
    assertThat(body.getJsonObject("groupLabels"))
        .isEqualTo(new JsonObject().put("alertname", "FlumeAgentDown"));
    assertThat(body.getString("groupKey")).isEqualTo("{}:{alertname=\"FlumeAgentDown\"}");
    assertThat(body.getJsonObject("commonLabels"))
        .isEqualTo(new JsonObject().put("alertname", "FlumeAgentDown").put("severity", "critical"));
    assertThat(body.getJsonObject("commonAnnotations")).isEqualTo(new JsonObject());
    assertThat(body.getJsonArray("alerts")).containsExactly(a.toJson(), b.toJson());
  }

  @Test
  void theAlertsKeepAlertmanagersAlertShape() {
    JsonObject alert =
        AlertmanagerPayload.of("ops", "", BY_ALERTNAME, List.of(firing("a")))
            .getJsonArray("alerts")
            .getJsonObject(0);

    assertThat(alert.fieldNames())
        .containsExactlyInAnyOrder(
            "status", "labels", "annotations", "startsAt", "endsAt", "generatorURL", "fingerprint");
    assertThat(alert.getString("endsAt")).isEqualTo("0001-01-01T00:00:00Z");
    assertThat(Alert.fromJson(alert)).isEqualTo(firing("a"));
  }

  @Test
  void isResolvedOnlyWhenEveryAlertIsResolved() {
    JsonObject body =
        AlertmanagerPayload.of(
            "ops", "", BY_ALERTNAME, List.of(resolved(firing("a")), resolved(firing("b"))));

    assertThat(body.getString("status")).isEqualTo("resolved");
  }

  @Test
  void aSingleAlertSharesAllItsLabelsAndAnnotations() {
    Alert a = firing("a");

    JsonObject body = AlertmanagerPayload.of("ops", "", BY_ALERTNAME, List.of(a));

    assertThat(body.getJsonObject("commonLabels").getMap())
        .isEqualTo(new TreeMap<String, Object>(a.labels()));
    assertThat(body.getJsonObject("commonAnnotations").getMap())
        .isEqualTo(new TreeMap<String, Object>(a.annotations()));
  }

  @Test
  void groupKeyAndGroupLabelsAreTheRoutesGroupWhileCommonLabelsAreWhatTheAlertsShare() {
    AlertGroup byHost =
        AlertGroup.of("{}/{group=\"ingest\"}", Map.of("host", "host-a"), Duration.ZERO);
    TreeMap<String, String> labels = new TreeMap<>(firing("b").labels());
    labels.put(Alert.ALERTNAME, "FlumeAgentStuck");
    Alert other = new Alert(Alert.Status.FIRING, labels, null, TestAlerts.T0, null, null);

    JsonObject body = AlertmanagerPayload.of("ops", "", byHost, List.of(firing("a"), other));

    assertThat(body.getString("groupKey")).isEqualTo("{}/{group=\"ingest\"}:{host=\"host-a\"}");
    assertThat(body.getJsonObject("groupLabels")).isEqualTo(new JsonObject().put("host", "host-a"));
    assertThat(body.getJsonObject("commonLabels"))
        .isEqualTo(new JsonObject().put("severity", "critical"));
  }

  @Test
  void anEmptyBatchIsRefused() {
    assertThatIllegalArgumentException()
        .isThrownBy(() -> AlertmanagerPayload.of("ops", "", BY_ALERTNAME, List.of()));
  }
}
