package io.flumesentinel.http;

import static java.util.concurrent.TimeUnit.SECONDS;
import static org.assertj.core.api.Assertions.assertThat;

import io.flumesentinel.config.HttpConfig;
import io.flumesentinel.event.Alert;
import io.flumesentinel.protocol.ZkLayout;
import io.flumesentinel.readiness.Readiness;
import io.flumesentinel.silence.SilenceIndex;
import io.flumesentinel.testing.Zk;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.TreeMap;
import org.apache.curator.framework.CuratorFramework;
import org.apache.curator.test.TestingServer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * {@code GET /api/alerts?filter=alertname=~(((.+)+)+)+X} over a ledger of 20 alerts whose values
 * are 25 characters long: a backtracking engine takes minutes over it, blocking the event loop that
 * also answers {@code /health/live}. The answer must arrive, be right, and leave the health
 * endpoint answering meanwhile. Timings are printed, not asserted, beyond "not minutes".
 */
class CatastrophicFilterTest {

  private static final String CATASTROPHIC = "alertname=~(((.+)+)+)+X";
  private static final Instant T0 = Instant.parse("2025-01-01T00:00:00Z");

  private TestingServer server;
  private CuratorFramework client;
  private Vertx vertx;
  private HttpServerVerticle http;
  private HttpClient web;

  @BeforeEach
  void setUp() throws Exception {
    server = Zk.server();
    client = Zk.client(server.getConnectString(), Duration.ofSeconds(5));
    ZkLayout layout = new ZkLayout("/catastrophic-filter");
    for (int i = 0; i < 20; i++) {
      // 25 characters; every fifth ends with X and so matches
      String name = String.format("FlumeAgentDownXXXXXXX%03d%s", i, i % 5 == 0 ? "X" : "x");
      Alert alert = alert(name, "agent-" + i);
      client
          .create()
          .creatingParentsIfNeeded()
          .forPath(
              layout.alert(alert.key()),
              new JsonObject()
                  .put("alert", alert.toJson())
                  .put("sent", new JsonObject())
                  .encode()
                  .getBytes(StandardCharsets.UTF_8));
    }
    vertx = Vertx.vertx();
    http =
        new HttpServerVerticle(
            new HttpConfig("127.0.0.1", 0),
            new Readiness(),
            JsonObject::new,
            new ReadApi(client, layout, new SilenceIndex(Clock.systemUTC())));
    vertx.deployVerticle(http).await(10, SECONDS);
    web = vertx.createHttpClient();
  }

  @AfterEach
  void tearDown() throws Exception {
    vertx.close().await(10, SECONDS);
    client.close();
    server.close();
  }

  @Test
  void theCatastrophicFilterAnswersRightWhileTheHealthEndpointKeepsAnswering() throws Exception {
    // warm-up: the first requests of a JVM pay for class loading and connections, not the regex
    get("/api/alerts?filter=" + URLEncoder.encode("alertname=~x", StandardCharsets.UTF_8))
        .await(10, SECONDS);
    for (Future<Answer> probe : probes()) {
      probe.await(10, SECONDS);
    }

    for (int round = 1; round <= 3; round++) {
      Future<Answer> filtered =
          get("/api/alerts?filter=" + URLEncoder.encode(CATASTROPHIC, StandardCharsets.UTF_8));
      List<Future<Answer>> probes = probes();

      Answer answer = filtered.await(5, SECONDS);
      List<Answer> live = new ArrayList<>();
      for (Future<Answer> probe : probes) {
        live.add(probe.await(5, SECONDS));
      }

      assertThat(answer.status()).isEqualTo(200);
      JsonArray alerts = new JsonArray(answer.body());
      List<String> names = new ArrayList<>();
      alerts.forEach(
          a -> names.add(((JsonObject) a).getJsonObject("labels").getString("alertname")));
      assertThat(names)
          .containsExactlyInAnyOrder(
              "FlumeAgentDownXXXXXXX000X",
              "FlumeAgentDownXXXXXXX005X",
              "FlumeAgentDownXXXXXXX010X",
              "FlumeAgentDownXXXXXXX015X");
      assertThat(live).allMatch(probe -> probe.status() == 200);
      System.out.printf(
          "round %d: catastrophic filter over 20 alerts answered in %d ms;"
              + " /health/live meanwhile: slowest of %d in %d ms%n",
          round,
          answer.millis(),
          live.size(),
          live.stream().mapToLong(Answer::millis).max().orElseThrow());
    }
  }

  private List<Future<Answer>> probes() {
    List<Future<Answer>> probes = new ArrayList<>();
    for (int i = 0; i < 5; i++) {
      probes.add(get("/health/live"));
    }
    return probes;
  }

  private record Answer(int status, String body, long millis) {}

  private Future<Answer> get(String path) {
    long sent = System.nanoTime();
    return web.request(HttpMethod.GET, http.actualPort(), "127.0.0.1", path)
        .compose(request -> request.send())
        .compose(
            response ->
                response
                    .body()
                    .map(Buffer::toString)
                    .map(
                        body ->
                            new Answer(
                                response.statusCode(),
                                body,
                                (System.nanoTime() - sent) / 1_000_000)));
  }

  private static Alert alert(String alertname, String agent) {
    TreeMap<String, String> labels = new TreeMap<>();
    labels.put(Alert.ALERTNAME, alertname);
    labels.put(Alert.AGENT, agent);
    labels.put("host", "host-" + agent);
    return new Alert(Alert.Status.FIRING, labels, new TreeMap<>(), T0, null, "");
  }
}
