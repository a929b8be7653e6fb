package io.flumesentinel.http;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.flumesentinel.config.HttpConfig;
import io.flumesentinel.silence.Silence;
import io.flumesentinel.testing.CoreTestBase;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * {@code POST /api/silences} and {@code DELETE /api/silences/{id}} against a real monitor on a real
 * ZooKeeper: what is written is what {@code silence add} would write, judged by the same rules.
 */
class SilenceWriteApiTest extends CoreTestBase {

  private HttpCalls http;

  @BeforeEach
  void start() throws Exception {
    startMonitor();
    HttpServerVerticle server =
        new HttpServerVerticle(
            new HttpConfig("127.0.0.1", 0),
            monitor.readiness,
            JsonObject::new,
            Routes.all(
                new ReadApi(monitor.client, layout, monitor.silences),
                new WriteApi(monitor.client, layout, monitor.silences)));
    monitor.vertx.deployVerticle(server).await(10, TimeUnit.SECONDS);
    http = new HttpCalls(monitor.vertx.createHttpClient(), server.actualPort());
  }

  private static JsonObject silence(String name, String value, boolean regex) {
    return new JsonObject()
        .put(
            "matchers",
            new JsonArray()
                .add(
                    new JsonObject()
                        .put("name", name)
                        .put("value", value)
                        .put("isRegex", regex)
                        .put("isEqual", true)))
        .put("startsAt", Instant.now().toString())
        .put("endsAt", Instant.now().plus(Duration.ofHours(2)).toString())
        .put("createdBy", "alice")
        .put("comment", "JIRA-7");
  }

  private HttpCalls.Answer post(JsonObject body) throws Exception {
    return http.send(HttpMethod.POST, "/api/silences", null, Buffer.buffer(body.encode()));
  }

  @Test
  void anAlertmanagerBodyBecomesASilenceInZooKeeperAndIsExpiredByDelete() throws Exception {
    HttpCalls.Answer created = post(silence("group", "ingest", false));
    assertThat(created.status()).as(created.body()).isEqualTo(200);
    String id = new JsonObject(created.body()).getString("silenceID");
    assertThat(Silence.idProblem(id)).isNull();
    Silence stored = Silence.parse(id, agentSide.getData().forPath(layout.silence(id)));
    assertThat(stored.matchersText()).isEqualTo("group=\"ingest\"");
    assertThat(stored.createdBy()).isEqualTo("alice");
    assertThat(stored.comment()).isEqualTo("JIRA-7");
    await().atMost(WAIT).until(() -> state(id).equals("active"));

    HttpCalls.Answer expired = http.send(HttpMethod.DELETE, "/api/silences/" + id, null, null);
    assertThat(expired.status()).as(expired.body()).isEqualTo(200);
    assertThat(new JsonObject(expired.body()).getJsonObject("status").getString("state"))
        .isEqualTo("expired");
    await().atMost(WAIT).until(() -> state(id).equals("expired"));

    HttpCalls.Answer again = http.send(HttpMethod.DELETE, "/api/silences/" + id, null, null);
    assertThat(again.status()).isEqualTo(409);
    assertThat(new JsonObject(again.body()).getString("error")).contains("already expired");
    assertThat(http.send(HttpMethod.DELETE, "/api/silences/no-such-one", null, null).status())
        .isEqualTo(404);
    assertThat(http.send(HttpMethod.DELETE, "/api/silences/..", null, null).status())
        .isIn(400, 404);
  }

  @Test
  void theSilenceRulesOfSilenceAddRefuseWhatWouldMuteEverythingOrLastTooLong() throws Exception {
    HttpCalls.Answer everything = post(silence("alertname", ".*", true));
    assertThat(everything.status()).isEqualTo(400);
    assertThat(new JsonObject(everything.body()).getString("error"))
        .contains("would mute nearly everything");

    JsonObject forever = silence("group", "ingest", false);
    forever.put("endsAt", Instant.now().plus(Duration.ofDays(365)).toString());
    HttpCalls.Answer tooLong = post(forever);
    assertThat(tooLong.status()).isEqualTo(400);
    assertThat(new JsonObject(tooLong.body()).getString("error"))
        .startsWith("the silence would be refused");

    JsonObject update = silence("group", "ingest", false).put("id", "abc");
    assertThat(new JsonObject(post(update).body()).getString("error")).startsWith("id:");
    JsonObject anonymous = silence("group", "ingest", false);
    anonymous.remove("createdBy");
    assertThat(new JsonObject(post(anonymous).body()).getString("error"))
        .isEqualTo("createdBy must name who creates the silence");
    assertThat(http.send(HttpMethod.POST, "/api/silences", null, Buffer.buffer("[1,2]")).status())
        .isEqualTo(400);
    assertThat(agentSide.getChildren().forPath(layout.silences())).isEmpty();
  }

  @Test
  void createdByIsOneBoundedLine() throws Exception {
    JsonObject hostile = silence("group", "ingest", false);
    hostile.put("createdBy", "mallory\u001b[2J\r\nroot" + "x".repeat(1000));
    HttpCalls.Answer created = post(hostile);
    assertThat(created.status()).isEqualTo(200);
    String id = new JsonObject(created.body()).getString("silenceID");
    JsonObject stored =
        new JsonObject(
            new String(agentSide.getData().forPath(layout.silence(id)), StandardCharsets.UTF_8));
    assertThat(stored.getString("createdBy"))
        .startsWith("mallory[2J")
        .contains("root")
        .doesNotContain("\u001b", "\r", "\n")
        .hasSizeLessThanOrEqualTo(256);
  }

  private String state(String id) throws Exception {
    JsonArray silences = new JsonArray(http.get("/api/silences", null).body());
    for (int i = 0; i < silences.size(); i++) {
      if (silences.getJsonObject(i).getString("id").equals(id)) {
        return silences.getJsonObject(i).getJsonObject("status").getString("state");
      }
    }
    return "";
  }
}
