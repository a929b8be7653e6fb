package io.flumesentinel.dashboard;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.flumesentinel.config.ConfigLoader;
import io.flumesentinel.config.HttpConfig;
import io.flumesentinel.http.HttpServerVerticle;
import io.flumesentinel.http.ReadApi;
import io.flumesentinel.http.Routes;
import io.flumesentinel.protocol.AgentNode;
import io.flumesentinel.protocol.LiveNode;
import io.flumesentinel.testing.CoreTestBase;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.PoolOptions;
import io.vertx.core.json.JsonObject;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The dashboard's page, files and stream on the monitor's HTTP server with tokens configured, in
 * front of the real alert pipeline on a real ZooKeeper, through real HTTP clients.
 */
class DashboardTest extends CoreTestBase {

  private static final String READ = "dashboard-read-token-0123456789abcdef";
  private static final String WRITE = "dashboard-write-token-0123456789abcdef";

  private final java.net.http.HttpClient plain =
      java.net.http.HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
  private final List<SseClient> streams = new ArrayList<>();
  private HttpClient client;
  private int port;

  @BeforeEach
  void start() throws Exception {
    HttpConfig config =
        ConfigLoader.parse(
                "http: { host: 127.0.0.1, port: 0, auth: { readTokenEnv: R, writeTokenEnv: W } }",
                "monitor.yaml",
                Map.of("R", READ, "W", WRITE)::get)
            .http();
    startMonitor();
    HttpServerVerticle server =
        new HttpServerVerticle(
            config,
            monitor.readiness,
            () -> new JsonObject().put("ready", true),
            Routes.all(
                new ReadApi(monitor.client, layout, monitor.silences),
                new Dashboard(Clock.systemUTC())));
    monitor.vertx.deployVerticle(server).await(10, TimeUnit.SECONDS);
    port = server.actualPort();
    client =
        monitor.vertx.createHttpClient(
            new HttpClientOptions(),
            new PoolOptions().setHttp1MaxSize(EventStream.MAX_STREAMS + 5));
  }

  @AfterEach
  void closeStreams() {
    streams.forEach(SseClient::close);
  }

  @Test
  void thePageAndItsFilesAnswerWithoutATokenWithTheirTypes() throws Exception {
    HttpResponse<String> page = get("/");
    assertThat(page.statusCode()).isEqualTo(200);
    assertThat(page.headers().firstValue("content-type").orElseThrow())
        .isEqualToIgnoringCase("text/html;charset=UTF-8");
    assertThat(page.headers().firstValue("content-security-policy").orElseThrow())
        .startsWith("default-src 'self';");
    assertThat(page.body()).contains("<script src=\"/dashboard/app.js\" defer></script>");

    assertThat(type("/dashboard/app.js")).contains("javascript");
    assertThat(type("/dashboard/style.css")).startsWith("text/css");
    assertThat(type("/dashboard/favicon.svg")).startsWith("image/svg+xml");
    assertThat(get("/dashboard/index.html").body()).isEqualTo(page.body());
    assertThat(get("/dashboard/absent.js").statusCode()).isEqualTo(404);

    // Only the page and its files open: the data and the stream still need a token.
    assertThat(get("/api/stream").statusCode()).isEqualTo(401);
    assertThat(get("/api/alerts").statusCode()).isEqualTo(401);
    assertThat(get("/status").statusCode()).isEqualTo(401);
    assertThat(get("/dashboard/../status").statusCode()).isEqualTo(401);
    assertThat(get("/index.html").statusCode()).isEqualTo(401);
  }

  @Test
  void thePageRunsOnlyItsOwnScriptAndWritesValuesAsText() throws Exception {
    String page = get("/").body();
    Matcher scripts = Pattern.compile("<script[^>]*>").matcher(page);
    int count = 0;
    while (scripts.find()) {
      assertThat(scripts.group()).as("no inline script: the CSP forbids it").contains(" src=\"/");
      count++;
    }
    assertThat(count).isEqualTo(1);
    assertThat(page)
        .doesNotContain(" style=\"")
        .doesNotContain(" onclick=")
        .doesNotContain("//cdn");

    String script = get("/dashboard/app.js").body();
    for (String writesHtml :
        List.of(
            "innerHTML",
            "outerHTML",
            "insertAdjacentHTML",
            "document.write",
            "eval(",
            "new Function",
            "http://",
            "https://")) {
      assertThat(script).as("app.js uses %s", writesHtml).doesNotContain(writesHtml);
    }
  }

  @Test
  void aStreamNeedsTheReadTokenAndStartsWithHello() throws Exception {
    assertThat(stream(null).status).isEqualTo(401);
    assertThat(stream("not-" + READ).status).isEqualTo(401);

    SseClient stream = stream(READ);
    assertThat(stream.status).isEqualTo(200);
    assertThat(stream.contentType).isEqualTo("text/event-stream; charset=utf-8");
    await().atMost(WAIT).until(() -> !stream.events.isEmpty());
    assertThat(stream.events.get(0).name()).isEqualTo("hello");
    assertThat(stream(WRITE).status).as("a write token reads too").isEqualTo(200);
  }

  @Test
  void aRemovedLiveNodeReachesTheStreamAsACrashAndItsAlert() throws Exception {
    agents.register("a1", AgentNode.of("h1", "ingest", Map.of())).toCompletableFuture().get();
    agents.goLive("a1", new LiveNode(1, Instant.now(), "", 0)).toCompletableFuture().get();
    await().atMost(WAIT).until(() -> monitor.sawEvent("STARTED", "a1"));
    SseClient stream = stream(READ);

    agents.dropLive("a1").toCompletableFuture().get();

    await()
        .atMost(WAIT)
        .untilAsserted(
            () ->
                assertThat(stream.changes())
                    .anySatisfy(
                        tick -> {
                          JsonObject a1 = tick.getJsonObject("agents").getJsonObject("a1");
                          assertThat(a1).isNotNull();
                          assertThat(a1.getString("type")).isIn("CRASHED", "SESSION_LOST");
                          assertThat(tick.getJsonArray("topics").getList()).contains("agents");
                        }));
    await()
        .atMost(WAIT)
        .untilAsserted(
            () ->
                assertThat(stream.changes())
                    .flatMap(tick -> tick.getJsonArray("alerts").getList())
                    .anySatisfy(
                        alert -> {
                          JsonObject json = JsonObject.mapFrom(alert);
                          assertThat(json.getString("alertname")).isEqualTo("FlumeAgentDown");
                          assertThat(json.getString("agent")).isEqualTo("a1");
                          assertThat(json.getString("status")).isEqualTo("firing");
                          assertThat(json.getBoolean("silenced")).isFalse();
                        }));
  }

  private SseClient stream(String token) throws Exception {
    SseClient stream = SseClient.open(client, port, token);
    streams.add(stream);
    return stream;
  }

  private HttpResponse<String> get(String path) throws Exception {
    return plain.send(
        HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
            .timeout(Duration.ofSeconds(5))
            .build(),
        HttpResponse.BodyHandlers.ofString());
  }

  private String type(String path) throws Exception {
    HttpResponse<String> answer = get(path);
    assertThat(answer.statusCode()).as(path).isEqualTo(200);
    return answer.headers().firstValue("content-type").orElse("");
  }
}
