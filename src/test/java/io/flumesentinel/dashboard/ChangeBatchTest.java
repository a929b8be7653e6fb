package io.flumesentinel.dashboard;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.Test;

class ChangeBatchTest {

  private final ChangeBatch batch = new ChangeBatch();

  @Test
  void anEmptyBatchAsksForNothing() {
    assertThat(batch.isEmpty()).isTrue();
  }

  @Test
  void eachKindOfChangeNamesTheViewsItChanges() {
    Object[][] table = {
      {"lifecycle", new JsonArray().add("agents")},
      {"alert", new JsonArray().add("agents").add("alerts")},
      {"silences", new JsonArray().add("alerts").add("silences")},
    };
    for (Object[] row : table) {
      ChangeBatch one = new ChangeBatch();
      switch ((String) row[0]) {
        case "lifecycle" -> one.lifecycle(event("a1", "CRASHED"));
        case "alert" -> one.alert(alert("fp1", "a1", "firing", new JsonArray()));
        default -> one.silences();
      }
      assertThat(one.take().getJsonArray("topics")).as((String) row[0]).isEqualTo(row[1]);
    }
  }

  @Test
  void theLatestEventOfEachAgentAndAlertIsKeptAndTakingEmptiesTheBatch() {
    batch.lifecycle(event("a1", "STARTED"));
    batch.lifecycle(event("a1", "CRASHED"));
    batch.alert(alert("fp1", "a1", "firing", new JsonArray().add("s1")));

    JsonObject tick = batch.take();
    assertThat(tick.getJsonObject("agents").getJsonObject("a1").getString("type"))
        .isEqualTo("CRASHED");
    assertThat(tick.getJsonArray("alerts"))
        .containsExactly(
            new JsonObject()
                .put("fingerprint", "fp1")
                .put("alertname", "FlumeAgentDown")
                .put("agent", "a1")
                .put("status", "firing")
                .put("reason", "CRASHED")
                .put("silenced", true));
    assertThat(tick.getBoolean("more")).isFalse();
    assertThat(batch.isEmpty()).isTrue();
    assertThat(batch.take().getJsonObject("agents")).isEmpty();
  }

  @Test
  void pastTheBoundItSaysMoreInsteadOfGrowing() {
    for (int i = 0; i < 5000; i++) {
      batch.lifecycle(event("agent-" + i, "CRASHED"));
    }
    JsonObject tick = batch.take();
    assertThat(tick.getJsonObject("agents").size()).isEqualTo(ChangeBatch.MAX_ITEMS);
    assertThat(tick.getBoolean("more")).isTrue();
    assertThat(batch.take().getBoolean("more")).isFalse();
  }

  @Test
  void untrustedTextIsOneBoundedLineAndMissingFieldsAreTolerated() {
    batch.lifecycle(event("a\nb" + "x".repeat(1000), "CRASHED"));
    batch.lifecycle(new JsonObject().put("type", "STARTED"));
    batch.alert(new JsonObject().put("labels", "not an object"));

    JsonObject tick = batch.take();
    String agent = tick.getJsonObject("agents").fieldNames().iterator().next();
    assertThat(agent).doesNotContain("\n").hasSizeLessThanOrEqualTo(256);
    assertThat(tick.getJsonArray("alerts")).isEmpty();
    assertThat(tick.getJsonArray("topics")).containsExactly("agents", "alerts");
  }

  private static JsonObject event(String agent, String type) {
    return new JsonObject().put("type", type).put("agent", agent).put("at", "2026-01-01T00:00:00Z");
  }

  private static JsonObject alert(String fingerprint, String agent, String status, JsonArray by) {
    return new JsonObject()
        .put("status", status)
        .put("labels", new JsonObject().put("alertname", "FlumeAgentDown").put("agent", agent))
        .put("annotations", new JsonObject().put("reason", "CRASHED"))
        .put("fingerprint", fingerprint)
        .put("silencedBy", by);
  }
}
