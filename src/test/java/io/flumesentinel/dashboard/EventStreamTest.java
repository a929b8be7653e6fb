package io.flumesentinel.dashboard;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.flumesentinel.config.ConfigLoader;
import io.flumesentinel.config.HttpConfig;
import io.flumesentinel.event.Addresses;
import io.flumesentinel.http.HttpServerVerticle;
import io.flumesentinel.readiness.Readiness;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.PoolOptions;
import io.vertx.core.json.JsonObject;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * {@code GET /api/stream} under load, on the monitor's HTTP server with a token configured, fed
 * through the real event-bus addresses and read by real HTTP clients: a storm is coalesced, and the
 * number of streams is bounded.
 */
class EventStreamTest {

  private static final Duration WAIT = Duration.ofSeconds(10);
  private static final String READ = "stream-read-token-0123456789abcdef";

  private final Vertx vertx = Vertx.vertx();
  private final List<SseClient> streams = new ArrayList<>();
  private HttpClient client;
  private int port;

  @BeforeEach
  void start() throws Exception {
    HttpConfig config =
        ConfigLoader.parse(
                "http: { host: 127.0.0.1, port: 0, auth: { readTokenEnv: R } }",
                "monitor.yaml",
                name -> READ)
            .http();
    HttpServerVerticle server =
        new HttpServerVerticle(
            config, new Readiness(), JsonObject::new, new Dashboard(Clock.systemUTC()));
    vertx.deployVerticle(server).await(10, TimeUnit.SECONDS);
    port = server.actualPort();
    client =
        vertx.createHttpClient(
            new HttpClientOptions(),
            new PoolOptions().setHttp1MaxSize(EventStream.MAX_STREAMS + 5));
  }

  @AfterEach
  void close() throws Exception {
    streams.forEach(SseClient::close);
    vertx.close().await(10, TimeUnit.SECONDS);
  }

  @Test
  void aStormOfFiveThousandChangesBecomesAFewBoundedTicks() throws Exception {
    SseClient stream = stream(READ);
    await().atMost(WAIT).until(() -> !stream.events.isEmpty());
    long began = System.nanoTime();
    // From this thread, not an event loop: sending 5,000 messages is no job for one.
    for (int i = 0; i < 5000; i++) {
      vertx.eventBus().publish(Addresses.EVENTS, lifecycle("storm-" + i, "CRASHED"));
    }
    // The last of the storm: messages from one thread arrive in the order sent.
    vertx.eventBus().publish(Addresses.SILENCES, null);
    await()
        .atMost(WAIT)
        .until(
            () ->
                stream.changes().stream()
                    .anyMatch(tick -> tick.getJsonArray("topics").contains("silences")));
    long elapsedMs = Duration.ofNanos(System.nanoTime() - began).toMillis();

    List<JsonObject> ticks = stream.changes();
    assertThat(ticks.size())
        .as("at most one tick per %d ms", EventStream.MIN_INTERVAL.toMillis())
        .isLessThanOrEqualTo(2 + (int) (elapsedMs / EventStream.MIN_INTERVAL.toMillis()))
        .isLessThan(500);
    assertThat(ticks).anySatisfy(tick -> assertThat(tick.getBoolean("more")).isTrue());
    for (JsonObject tick : ticks) {
      assertThat(tick.getJsonObject("agents").size()).isLessThanOrEqualTo(ChangeBatch.MAX_ITEMS);
      assertThat(tick.encode().getBytes(StandardCharsets.UTF_8).length).isLessThan(16 * 1024);
    }
  }

  @Test
  void atMostFiftyStreamsAndAClosedOneMakesRoom() throws Exception {
    for (int i = 0; i < EventStream.MAX_STREAMS; i++) {
      assertThat(stream(READ).status).isEqualTo(200);
    }
    SseClient refused = stream(READ);
    assertThat(refused.status).isEqualTo(503);
    await().atMost(WAIT).until(() -> refused.body.toString().contains("streams open"));
    assertThat(new JsonObject(refused.body.toString()).getString("error"))
        .isEqualTo("already 50 dashboard streams open; close one");

    streams.get(0).close();
    await().atMost(WAIT).until(() -> stream(READ).status == 200);
  }

  private static JsonObject lifecycle(String agent, String type) {
    return new JsonObject()
        .put("type", type)
        .put("agent", agent)
        .put("at", Instant.now().toString())
        .put("detail", "");
  }

  private SseClient stream(String token) throws Exception {
    SseClient stream = SseClient.open(client, port, token);
    streams.add(stream);
    return stream;
  }
}
