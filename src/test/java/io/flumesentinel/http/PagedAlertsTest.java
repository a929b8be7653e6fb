package io.flumesentinel.http;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.flumesentinel.config.HttpConfig;
import io.flumesentinel.protocol.AgentNode;
import io.flumesentinel.protocol.ExitRecord;
import io.flumesentinel.protocol.LiveNode;
import io.flumesentinel.testing.CoreTestBase;
import io.flumesentinel.testing.FleetWriter;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.curator.framework.state.ConnectionState;
import org.apache.zookeeper.CreateMode;
import org.junit.jupiter.api.Test;

/**
 * 300 firing alerts, each with a 4 KB stack trace: the ledger holds about 1.5 MB. {@code GET
 * /api/alerts} answers in pages, and the monitor's main session stays connected throughout.
 */
class PagedAlertsTest extends CoreTestBase {

  private static final int AGENTS = 300;
  private static final Pattern NEXT = Pattern.compile("<([^>]+)>; rel=\"next\"");
  private final HttpClient http = HttpClient.newHttpClient();

  @Test
  void threeHundredFiringAlertsArePagedWithoutSuspendingTheMainSession() throws Exception {
    List<String> ids = FleetWriter.longIds(AGENTS);
    AgentNode node = AgentNode.of("web-1", "ingest", Map.of("dc", "dc1"));
    byte[] agent = node.toBytes();
    byte[] live = new LiveNode(42, Instant.now(), "1.11", 0).toBytes();
    FleetWriter.parents(agentSide, layout.agents(), layout.live());
    FleetWriter.create(agentSide, layout.agents(), ids, id -> agent, CreateMode.PERSISTENT);
    FleetWriter.create(agentSide, layout.live(), ids, id -> live, CreateMode.EPHEMERAL);
    startMonitor();
    AtomicInteger suspensions = new AtomicInteger();
    monitor
        .client
        .getConnectionStateListenable()
        .addListener(
            (c, state) -> {
              if (!state.isConnected() || state == ConnectionState.RECONNECTED) {
                suspensions.incrementAndGet();
              }
            });
    AgentNode crashed =
        node.withCrash(
            new ExitRecord(
                1, null, Instant.now(), "\tat org.apache.flume.Log.replay\n".repeat(130)));
    List<CompletableFuture<Void>> crashes = new ArrayList<>();
    for (String id : ids) {
      crashes.add(agents.recordCrashAndDropLive(id, crashed).toCompletableFuture());
    }
    CompletableFuture.allOf(crashes.toArray(CompletableFuture[]::new)).get(30, TimeUnit.SECONDS);
    await()
        .atMost(Duration.ofSeconds(30))
        .until(() -> agentSide.getChildren().forPath(layout.alerts()).size() >= AGENTS);

    HttpServerVerticle server =
        new HttpServerVerticle(
            new HttpConfig("127.0.0.1", 0),
            monitor.readiness,
            JsonObject::new,
            new ReadApi(monitor.client, layout, monitor.silences));
    monitor.vertx.deployVerticle(server).await(10, TimeUnit.SECONDS);

    HttpResponse<String> all = get(server.actualPort(), "/api/alerts");
    assertThat(all.statusCode()).isEqualTo(200);
    assertThat(new JsonArray(all.body())).hasSize(AGENTS);
    assertThat(all.headers().firstValue("x-total-count")).hasValue(Integer.toString(AGENTS));
    assertThat(all.headers().firstValue("link")).isEmpty();

    Set<String> seen = new HashSet<>();
    List<Integer> pageSizes = new ArrayList<>();
    String next = "/api/alerts?limit=120&filter=alertname%3DFlumeAgentDown";
    while (next != null) {
      HttpResponse<String> page = get(server.actualPort(), next);
      assertThat(page.statusCode()).isEqualTo(200);
      JsonArray alerts = new JsonArray(page.body());
      pageSizes.add(alerts.size());
      alerts.forEach(a -> seen.add(((JsonObject) a).getString("fingerprint")));
      next =
          page.headers()
              .firstValue("link")
              .map(NEXT::matcher)
              .filter(Matcher::find)
              .map(m -> m.group(1))
              .orElse(null);
    }
    assertThat(pageSizes).containsExactly(120, 120, 60);
    assertThat(seen).hasSize(AGENTS);
    assertThat(get(server.actualPort(), "/api/alerts?limit=5001").statusCode()).isEqualTo(400);
    assertThat(get(server.actualPort(), "/api/alerts?cursor=nonsense").statusCode()).isEqualTo(400);
    assertThat(suspensions).as("the main session was never suspended").hasValue(0);
  }

  private HttpResponse<String> get(int port, String path) throws Exception {
    return http.send(
        HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
            .timeout(Duration.ofSeconds(10))
            .build(),
        HttpResponse.BodyHandlers.ofString());
  }
}
