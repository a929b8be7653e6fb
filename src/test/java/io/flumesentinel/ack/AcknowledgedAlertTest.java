package io.flumesentinel.ack;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.flumesentinel.alert.Router;
import io.flumesentinel.config.ClassifierConfig;
import io.flumesentinel.config.GroupingConfig;
import io.flumesentinel.config.HttpConfig;
import io.flumesentinel.config.RouteConfig;
import io.flumesentinel.config.WebhookReceiverConfig;
import io.flumesentinel.event.LocalCodec;
import io.flumesentinel.http.HttpServerVerticle;
import io.flumesentinel.http.ReadApi;
import io.flumesentinel.http.Routes;
import io.flumesentinel.http.WriteApi;
import io.flumesentinel.monitor.AlertPipeline;
import io.flumesentinel.notify.webhook.WebhookChannel;
import io.flumesentinel.protocol.AgentNode;
import io.flumesentinel.protocol.ExitRecord;
import io.flumesentinel.protocol.LiveNode;
import io.flumesentinel.readiness.Readiness;
import io.flumesentinel.silence.SilenceIndex;
import io.flumesentinel.testing.CoreTestBase;
import io.flumesentinel.testing.MutableClock;
import io.flumesentinel.testing.WebhookReceiver;
import io.flumesentinel.testing.Zk;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.apache.curator.framework.CuratorFramework;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * An acknowledged alert gets no reminders while an unacknowledged one does, and its resolved notice
 * still goes out: the production pipeline with a real webhook notifier, delivering to a real
 * receiver, the acknowledgement made through the real HTTP API, everything on a real ZooKeeper. The
 * ledger's clock is moved by the test, a repeat interval at a time.
 */
class AcknowledgedAlertTest extends CoreTestBase {

  private static final Duration REPEAT = Duration.ofHours(1);

  /** How long "nothing more arrives" is watched: many of the ledger's looks for due repeats. */
  private static final Duration QUIET = Duration.ofMillis(400);

  private final MutableClock clock = new MutableClock(Instant.parse("2026-01-01T00:00:00Z"));
  private final HttpClient http = HttpClient.newHttpClient();
  private final Vertx vertx = Vertx.vertx();
  private final Readiness readiness = new Readiness();
  private WebhookReceiver receiver;
  private CuratorFramework client;
  private int port;

  @BeforeEach
  void startPipeline() throws Exception {
    receiver = WebhookReceiver.start();
    client = Zk.client(server.getConnectString(), Duration.ofSeconds(5));
    LocalCodec.registerAll(vertx);
    SilenceIndex silences = new SilenceIndex(Clock.systemUTC());
    AckIndex acks = new AckIndex();
    List<String> receivers = List.of("ops");
    RouteConfig route =
        RouteConfig.root(
            receivers, new GroupingConfig(List.of("alertname"), Duration.ZERO, REPEAT), List.of());
    WebhookReceiverConfig webhook = WebhookReceiverConfig.of("ops", List.of(receiver.url()));
    AlertPipeline.builder(client, layout)
        .readiness(readiness)
        .silences(silences)
        .acks(acks)
        .receivers(receivers, Router.of(route, receivers))
        .notifiers(() -> Map.of("ops", WebhookChannel.notifier(webhook, "")))
        .ledgerTiming(clock, Duration.ofMillis(25))
        .classifier(ClassifierConfig.defaults(), Duration.ofSeconds(5))
        .build()
        .deployAlwaysActive(vertx)
        .await(20, TimeUnit.SECONDS);
    HttpServerVerticle server =
        new HttpServerVerticle(
            new HttpConfig("127.0.0.1", 0),
            readiness,
            JsonObject::new,
            Routes.all(
                new ReadApi(client, layout, silences, acks),
                new WriteApi(client, layout, silences)));
    vertx.deployVerticle(server).await(10, TimeUnit.SECONDS);
    port = server.actualPort();
    await().atMost(WAIT).until(readiness::ready);
  }

  @AfterEach
  void stop() throws Exception {
    vertx.close().await(10, TimeUnit.SECONDS);
    client.close();
    receiver.close();
  }

  @Test
  void anAcknowledgedAlertGetsNoRemindersAndItsResolvedNoticeStillGoesOut() throws Exception {
    crash("acked");
    crash("unacked");
    await().atMost(WAIT).until(() -> firing("acked") == 1 && firing("unacked") == 1);
    awaitRecorded("FlumeAgentDown.acked");
    awaitRecorded("FlumeAgentDown.unacked");
    String fingerprint = fingerprint("acked");

    HttpResponse<String> acked =
        send(
            "POST",
            "/api/alerts/" + fingerprint + "/ack",
            "{\"by\":\"alice\",\"comment\":\"disk replaced, restarting\"}");
    assertThat(acked.statusCode()).as(acked.body()).isEqualTo(200);
    JsonObject ack = new JsonObject(acked.body());
    assertThat(ack.getString("by")).isEqualTo("alice");
    assertThat(ack.getString("fingerprint")).isEqualTo(fingerprint);
    assertThat(agentSide.checkExists().forPath(layout.ack(fingerprint))).isNotNull();
    await().atMost(WAIT).until(() -> acknowledgedBy("acked") != null);
    assertThat(acknowledgedBy("acked").getString("comment")).isEqualTo("disk replaced, restarting");
    assertThat(acknowledgedBy("unacked")).isNull();

    // Three repeat intervals: the unacknowledged alert is reminded each time, the other never.
    for (int interval = 2; interval <= 4; interval++) {
      clock.advance(REPEAT);
      int reminders = interval;
      await().atMost(WAIT).until(() -> firing("unacked") == reminders);
    }
    await().during(QUIET).atMost(QUIET.plus(WAIT)).until(() -> firing("acked") == 1);

    // It recovers: everyone told of it gets the resolved notice, and the acknowledgement goes.
    agents.goLive("acked", new LiveNode(2, Instant.now(), "", 1)).toCompletableFuture().get();
    await()
        .atMost(WAIT)
        .until(
            () ->
                receiver.alertsFor("acked").stream().anyMatch(a -> a.status().equals("resolved")));
    await()
        .atMost(WAIT)
        .until(() -> agentSide.checkExists().forPath(layout.ack(fingerprint)) == null);
  }

  @Test
  void anAcknowledgementCanBeRemovedAndThenTheRemindersResume() throws Exception {
    crash("a1");
    await().atMost(WAIT).until(() -> firing("a1") == 1);
    awaitRecorded("FlumeAgentDown.a1");
    String fingerprint = fingerprint("a1");
    assertThat(send("POST", "/api/alerts/" + fingerprint + "/ack", "{\"by\":\"bob\"}").statusCode())
        .isEqualTo(200);
    await().atMost(WAIT).until(() -> acknowledgedBy("a1") != null);

    clock.advance(REPEAT);
    await().during(QUIET).atMost(QUIET.plus(WAIT)).until(() -> firing("a1") == 1);

    HttpResponse<String> removed = send("DELETE", "/api/alerts/" + fingerprint + "/ack", null);
    assertThat(removed.statusCode()).as(removed.body()).isEqualTo(200);
    // The reminder held back meanwhile is due: it goes out now.
    await().atMost(WAIT).until(() -> firing("a1") == 2);
    assertThat(acknowledgedBy("a1")).isNull();
    assertThat(send("DELETE", "/api/alerts/" + fingerprint + "/ack", null).statusCode())
        .isEqualTo(404);
  }

  @Test
  void onlyAFiringAlertCanBeAcknowledgedAndTheRequestIsChecked() throws Exception {
    assertThat(send("POST", "/api/alerts/0123456789abcdef/ack", "{\"by\":\"x\"}").statusCode())
        .isEqualTo(404);
    HttpResponse<String> notAFingerprint = send("POST", "/api/alerts/zz/ack", "{\"by\":\"x\"}");
    assertThat(notAFingerprint.statusCode()).isEqualTo(400);
    assertThat(new JsonObject(notAFingerprint.body()).getString("error"))
        .contains("not an alert fingerprint");
    crash("a2");
    await().atMost(WAIT).until(() -> firing("a2") == 1);
    awaitRecorded("FlumeAgentDown.a2");
    String path = "/api/alerts/" + fingerprint("a2") + "/ack";
    assertThat(new JsonObject(send("POST", path, "{}").body()).getString("error"))
        .isEqualTo("by must name who acknowledges the alert");
    assertThat(send("POST", path, "not json").statusCode()).isEqualTo(400);
    // Whoever holds the write token writes these values: one line, bounded.
    HttpResponse<String> hostile =
        send(
            "POST",
            path,
            new JsonObject()
                .put("by", "eve\u001b[2J" + "e".repeat(1000))
                .put("comment", "line\nbreak\u202e")
                .encode());
    assertThat(hostile.statusCode()).isEqualTo(200);
    JsonObject stored =
        new JsonObject(new String(agentSide.getData().forPath(layout.ack(fingerprint("a2")))));
    assertThat(stored.getString("by")).doesNotContain("\u001b").hasSizeLessThanOrEqualTo(128);
    assertThat(stored.getString("comment")).isEqualTo("line break");
  }

  private void crash(String id) throws Exception {
    agents.register(id, AgentNode.of("h", "ingest", Map.of())).toCompletableFuture().get();
    agents.goLive(id, new LiveNode(1, Instant.now(), "", 0)).toCompletableFuture().get();
    agents
        .recordCrash(id, new ExitRecord(null, "KILL", Instant.now(), ""))
        .toCompletableFuture()
        .get();
    agents.dropLive(id).toCompletableFuture().get();
  }

  /** How many firing notices of {@code agent} the webhook receiver got. */
  private long firing(String agent) {
    return receiver.alertsFor(agent).stream().filter(a -> a.status().equals("firing")).count();
  }

  private String fingerprint(String agent) {
    return receiver.alertsFor(agent).get(0).alert().getString("fingerprint");
  }

  /** The ledger acknowledged the receiver's 2xx: the repeat interval runs from now on. */
  private void awaitRecorded(String key) {
    await().atMost(WAIT).until(() -> ledgerRecord(key).contains("\"ops\":\"20"));
  }

  /** The {@code acknowledgedBy} of {@code agent}'s alert in {@code GET /api/alerts}. */
  private JsonObject acknowledgedBy(String agent) throws Exception {
    JsonArray alerts = new JsonArray(send("GET", "/api/alerts", null).body());
    for (int i = 0; i < alerts.size(); i++) {
      JsonObject alert = alerts.getJsonObject(i);
      if (agent.equals(alert.getJsonObject("labels").getString("agent"))) {
        assertThat(alert.containsKey("acknowledgedBy")).isTrue();
        return alert.getJsonObject("acknowledgedBy");
      }
    }
    throw new AssertionError("no alert for " + agent);
  }

  private HttpResponse<String> send(String method, String path, String body) throws Exception {
    HttpRequest request =
        HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
            .timeout(Duration.ofSeconds(10))
            .method(
                method,
                body == null
                    ? HttpRequest.BodyPublishers.noBody()
                    : HttpRequest.BodyPublishers.ofString(body))
            .header("content-type", "application/json")
            .build();
    return http.send(request, HttpResponse.BodyHandlers.ofString());
  }
}
