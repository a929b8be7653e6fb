package io.flumesentinel.history;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.flumesentinel.config.BackoffConfig;
import io.flumesentinel.config.ClassifierConfig;
import io.flumesentinel.config.FlappingConfig;
import io.flumesentinel.config.HistoryConfig;
import io.flumesentinel.config.HostDownConfig;
import io.flumesentinel.config.HttpConfig;
import io.flumesentinel.config.MonitorConfig;
import io.flumesentinel.config.WebhookReceiverConfig;
import io.flumesentinel.config.ZkConfig;
import io.flumesentinel.event.Addresses;
import io.flumesentinel.monitor.Monitor;
import io.flumesentinel.protocol.AgentNode;
import io.flumesentinel.protocol.ExitRecord;
import io.flumesentinel.protocol.LiveNode;
import io.flumesentinel.protocol.Registration;
import io.flumesentinel.protocol.ZkLayout;
import io.flumesentinel.testing.WebhookReceiver;
import io.flumesentinel.testing.Zk;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.apache.curator.framework.CuratorFramework;
import org.apache.curator.test.TestingServer;
import org.apache.curator.x.async.AsyncCuratorFramework;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The whole monitor against a real ZooKeeper and a real webhook receiver that is down for a while:
 * {@code GET /api/history} lists every transition and every delivery attempt with its outcome, and
 * still does after the monitor is restarted on the same directory.
 *
 * <p>The outage lasts until the notifier has failed a few times (about a second with the short
 * back-off here); a 30-second outage runs in the {@code chaos} profile ({@link
 * NotificationHistoryChaosIT}).
 */
class NotificationHistoryTest {

  static final Duration WAIT = Duration.ofSeconds(30);
  private static final Pattern NEXT = Pattern.compile("<([^>]+)>; rel=\"next\"");
  private static final HttpClient HTTP =
      HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

  @TempDir Path dir;

  private TestingServer server;
  private WebhookReceiver receiver;
  private CuratorFramework agentSide;
  private Registration agents;
  private MonitorConfig config;
  private Monitor monitor;

  /** What the monitor published, as any subscriber sees it. */
  private final List<JsonObject> transitions = new CopyOnWriteArrayList<>();

  private final List<JsonObject> attempts = new CopyOnWriteArrayList<>();
  private final List<JsonObject> events = new CopyOnWriteArrayList<>();

  @BeforeEach
  void start() throws Exception {
    server = Zk.server();
    receiver = WebhookReceiver.start();
    ZkLayout layout = ZkLayout.defaults();
    ZkConfig defaults = ZkConfig.of(server.getConnectString());
    ZkConfig zk =
        new ZkConfig(
            server.getConnectString(),
            layout.root(),
            defaults.sessionTimeout(),
            defaults.connectionTimeout(),
            defaults.embeddedPort(),
            defaults.embeddedDataDir());
    WebhookReceiverConfig ops =
        new WebhookReceiverConfig(
            "ops",
            List.of(receiver.url()),
            Duration.ofSeconds(2),
            Duration.ofSeconds(5),
            WebhookReceiverConfig.DEFAULT_MAX_BATCH,
            WebhookReceiverConfig.DEFAULT_QUEUE_CAPACITY,
            new BackoffConfig(Duration.ofMillis(50), Duration.ofMillis(400), 2.0, 0.0));
    config =
        new MonitorConfig(
                zk,
                new HttpConfig("127.0.0.1", 0),
                ClassifierConfig.defaults(),
                List.of(ops),
                "",
                null,
                FlappingConfig.disabled(),
                HostDownConfig.defaults())
            .withHistory(HistoryConfig.in(dir.resolve("history")));
    startMonitor();
    agentSide = Zk.client(server.getConnectString(), Duration.ofSeconds(5));
    agents = new Registration(AsyncCuratorFramework.wrap(agentSide), layout);
  }

  private void startMonitor() throws Exception {
    monitor = Monitor.start(config, Clock.systemUTC());
    var bus = monitor.vertx().eventBus();
    bus.<JsonObject>consumer(Addresses.ALERTS, m -> transitions.add(m.body())).completion().await();
    bus.<JsonObject>consumer(Addresses.DELIVERIES, m -> attempts.add(m.body()))
        .completion()
        .await();
    bus.<JsonObject>consumer(Addresses.EVENTS, m -> events.add(m.body())).completion().await();
    await().atMost(WAIT).until(monitor.readiness()::ready);
  }

  @AfterEach
  void stop() throws Exception {
    if (agentSide != null) {
      agentSide.close();
    }
    if (monitor != null) {
      monitor.close();
    }
    receiver.close();
    server.close();
  }

  @Test
  void everyTransitionAndDeliveryAttemptIsListedThroughAReceiverOutageAndAfterARestart()
      throws Exception {
    agents
        .register("a1", AgentNode.of("flume-07", "ingest", Map.of()))
        .toCompletableFuture()
        .get(10, TimeUnit.SECONDS);
    receiver.answer(500);
    Instant outageEnds = Instant.now().plus(outage());
    for (int crash = 1; crash <= 10; crash++) {
      if (crash == 6) {
        // The receiver has been failing long enough for a few retries; it recovers.
        await()
            .atMost(WAIT.plus(outage()))
            .until(() -> count(attempts, "failed") >= 3 && !Instant.now().isBefore(outageEnds));
        receiver.answer(200);
      }
      crashAndComeBack(crash);
    }
    await().atMost(WAIT).until(() -> receiver.alertsFor("a1").size() >= 20);
    assertThat(receiver.alertsFor("a1")).hasSize(20);

    // 10 downs and 10 recoveries, in the order they happened.
    assertThat(transitions).hasSize(20);
    await()
        .atMost(WAIT)
        .until(() -> history("?kind=transition").size() == 20 && deliveryRecordsMatch());
    List<JsonObject> shownTransitions = history("?kind=transition");
    assertThat(shownTransitions)
        .extracting(NotificationHistoryTest::transitionKey)
        .containsExactlyInAnyOrderElementsOf(
            transitions.stream().map(NotificationHistoryTest::publishedKey).toList());
    assertThat(shownTransitions)
        .allSatisfy(
            t -> {
              assertThat(t.getString("agent")).isEqualTo("a1");
              assertThat(t.getString("alertname")).isEqualTo("FlumeAgentDown");
              assertThat(t.getString("receiver")).isNull();
            });

    // Every attempt the receiver saw is one the monitor published, and the history has one record
    // per alert of each, with its outcome.
    assertThat((long) attempts.size()).isEqualTo(receiver.requests());
    List<JsonObject> deliveries = history("?kind=delivery&receiver=ops");
    assertThat(deliveries.stream().filter(d -> d.getString("outcome").equals("failed")))
        .isNotEmpty()
        .allSatisfy(
            d -> {
              // the receiver's 500, or on a slow machine a timeout before it came
              if (d.getInteger("code") != null) {
                assertThat(d.getInteger("code")).isEqualTo(500);
                assertThat(d.getString("error")).isEqualTo("HTTP 500");
              } else {
                assertThat(d.getString("error")).contains("Timeout");
              }
              assertThat(d.getString("target")).isEqualTo(origin(receiver.url()));
              assertThat(d.getLong("latencyMs")).isNotNegative();
            });
    assertThat(deliveries.stream().filter(d -> d.getString("outcome").equals("delivered")))
        .allSatisfy(
            d -> {
              assertThat(d.getInteger("code")).isEqualTo(200);
              assertThat(d.getString("error")).isNull();
            });
    // Every transition was delivered in the end, after failing for those of the outage.
    for (JsonObject transition : shownTransitions) {
      List<String> outcomes =
          deliveries.stream()
              .filter(d -> transitionKey(d).equals(transitionKey(transition)))
              .map(d -> d.getString("outcome"))
              .toList();
      assertThat(outcomes).as(transitionKey(transition)).contains("delivered");
    }

    // Paged through Link headers: the same records, newest first.
    List<JsonObject> everything = history("");
    assertThat(everything).hasSize(20 + deliveries.size());
    // Pages small enough to need several, few enough (about 20) to stay within the default rate
    // limit of 20 requests a second, burst 60, however long the outage made the history.
    assertThat(pagesOf(Math.max(7, everything.size() / 20 + 1)))
        .containsExactlyElementsOf(everything);
    List<String> times = everything.stream().map(r -> r.getString("at")).toList();
    assertThat(times).isSortedAccordingTo((a, b) -> Instant.parse(b).compareTo(Instant.parse(a)));

    // Restarted on the same directory: all of it is still there.
    monitor.close();
    monitor = null;
    startMonitor();
    assertThat(history("")).containsAll(everything);
  }

  /** How long the receiver is down at least; as short as a few retries take here. */
  Duration outage() {
    return Duration.ZERO;
  }

  private void crashAndComeBack(int crash) throws Exception {
    agents
        .goLive("a1", new LiveNode(100 + crash, Instant.now(), "", crash - 1))
        .toCompletableFuture()
        .get(10, TimeUnit.SECONDS);
    awaitEvents("STARTED", crash);
    agents
        .recordCrash("a1", new ExitRecord(null, "KILL", Instant.now(), "oops"))
        .toCompletableFuture()
        .get(10, TimeUnit.SECONDS);
    agents.dropLive("a1").toCompletableFuture().get(10, TimeUnit.SECONDS);
    awaitEvents("CRASHED", crash);
    if (crash == 10) {
      // back for good: the last down is resolved too
      agents
          .goLive("a1", new LiveNode(200, Instant.now(), "", crash))
          .toCompletableFuture()
          .get(10, TimeUnit.SECONDS);
    }
  }

  private void awaitEvents(String type, long count) {
    await()
        .atMost(WAIT)
        .until(
            () ->
                events.stream()
                        .filter(e -> e.getString("type").equals(type))
                        .filter(e -> "a1".equals(e.getString("agent")))
                        .count()
                    >= count);
  }

  /** Whether the history holds one delivery record per alert of each published attempt. */
  private boolean deliveryRecordsMatch() throws Exception {
    Map<String, Long> published =
        attempts.stream()
            .flatMap(
                a ->
                    a.getJsonArray("alerts").stream()
                        .map(ref -> a.getString("outcome") + " " + transitionKey((JsonObject) ref)))
            .collect(Collectors.groupingBy(k -> k, Collectors.counting()));
    Map<String, Long> shown =
        history("?kind=delivery").stream()
            .map(d -> d.getString("outcome") + " " + transitionKey(d))
            .collect(Collectors.groupingBy(k -> k, Collectors.counting()));
    return !published.isEmpty() && published.equals(shown);
  }

  private static long count(List<JsonObject> attempts, String outcome) {
    return attempts.stream().filter(a -> a.getString("outcome").equals(outcome)).count();
  }

  private static String transitionKey(JsonObject record) {
    return record.getString("fingerprint")
        + " "
        + record.getString("status")
        + " "
        + record.getString("startsAt");
  }

  private static String publishedKey(JsonObject alert) {
    return alert.getString("fingerprint")
        + " "
        + alert.getString("status")
        + " "
        + alert.getString("startsAt");
  }

  private static String origin(String url) {
    URI uri = URI.create(url);
    return uri.getScheme() + "://" + uri.getHost() + ":" + uri.getPort();
  }

  /** Every record matching {@code query} in one page (they are fewer than 5000 here). */
  private List<JsonObject> history(String query) throws Exception {
    String separator = query.isEmpty() ? "?" : "&";
    HttpResponse<String> response = get("/api/history" + query + separator + "limit=5000");
    assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
    List<JsonObject> records = records(response.body());
    assertThat(response.headers().firstValue("x-total-count"))
        .hasValue(Integer.toString(records.size()));
    assertThat(response.headers().firstValue("link")).isEmpty();
    return records;
  }

  /** Every record, following the {@code Link} headers from a first page of {@code limit}. */
  private List<JsonObject> pagesOf(int limit) throws Exception {
    List<JsonObject> all = new ArrayList<>();
    String next = "/api/history?limit=" + limit;
    while (next != null) {
      HttpResponse<String> response = get(next);
      assertThat(response.statusCode()).isEqualTo(200);
      all.addAll(records(response.body()));
      Matcher link = NEXT.matcher(response.headers().firstValue("link").orElse(""));
      next = link.find() ? link.group(1) : null;
    }
    return all;
  }

  private HttpResponse<String> get(String path) throws Exception {
    return HTTP.send(
        HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + monitor.httpPort() + path))
            .timeout(Duration.ofSeconds(5))
            .build(),
        HttpResponse.BodyHandlers.ofString());
  }

  private static List<JsonObject> records(String body) {
    return new JsonArray(body).stream().map(JsonObject.class::cast).toList();
  }
}
