package io.flumesentinel.http;

import static org.assertj.core.api.Assertions.assertThat;

import io.flumesentinel.config.ConfigLoader;
import io.flumesentinel.config.HttpConfig;
import io.flumesentinel.history.HistoryRecord;
import io.flumesentinel.history.HistoryStore;
import io.flumesentinel.readiness.Readiness;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code GET /api/history} on the real HTTP server: filters, pages, bad parameters, tokens. */
class HistoryApiTest {

  private static final Instant T0 = Instant.parse("2026-03-01T10:00:00Z");
  private static final String READ = "read-token-0123456789abcdef0123456789abcdef";
  private static final HttpClient HTTP = HttpClient.newHttpClient();

  @TempDir Path dir;

  private final Vertx vertx = Vertx.vertx();
  private HistoryStore store;
  private int port;

  @AfterEach
  void close() throws Exception {
    vertx.close().await(10, TimeUnit.SECONDS);
    if (store != null) {
      store.close();
    }
  }

  private void serve(HttpConfig http, HistoryStore history) throws Exception {
    HttpServerVerticle server =
        new HttpServerVerticle(http, new Readiness(), JsonObject::new, new HistoryApi(history));
    vertx.deployVerticle(server).await(10, TimeUnit.SECONDS);
    port = server.actualPort();
  }

  private void serveRecords() throws Exception {
    store = HistoryStore.open(dir);
    List<HistoryRecord> records = new ArrayList<>();
    for (int i = 0; i < 12; i++) {
      records.add(
          new HistoryRecord(
              "t:" + i,
              T0.plusSeconds(i),
              HistoryRecord.Kind.TRANSITION,
              i % 2 == 0 ? "a1" : "a2",
              "FlumeAgentDown",
              "00000000000000ab",
              "firing",
              T0.plusSeconds(i),
              null,
              null,
              null,
              null,
              null,
              null));
      records.add(
          new HistoryRecord(
              "d:" + i,
              T0.plusSeconds(i).plusMillis(10),
              HistoryRecord.Kind.DELIVERY,
              i % 2 == 0 ? "a1" : "a2",
              "FlumeAgentDown",
              "00000000000000ab",
              "firing",
              T0.plusSeconds(i),
              i < 6 ? "ops" : "mail",
              "http://hooks:9093",
              "delivered",
              200,
              4L,
              null));
    }
    store.insert(records);
    serve(new HttpConfig("127.0.0.1", 0), store);
  }

  @Test
  void filtersAndPagesNewestFirst() throws Exception {
    serveRecords();
    HttpResponse<String> page =
        get("/api/history?agent=a1&kind=delivery&since=2026-03-01T10:00:04Z&limit=2", null);
    assertThat(page.statusCode()).isEqualTo(200);
    assertThat(page.headers().firstValue("x-total-count")).hasValue("4");
    assertThat(ats(page)).containsExactly("2026-03-01T10:00:10.010Z", "2026-03-01T10:00:08.010Z");
    String link = page.headers().firstValue("link").orElseThrow();
    assertThat(link).startsWith("</api/history?limit=2&").endsWith(">; rel=\"next\"");
    HttpResponse<String> second = get(link.substring(1, link.indexOf('>')), null);
    assertThat(ats(second)).containsExactly("2026-03-01T10:00:06.010Z", "2026-03-01T10:00:04.010Z");
    assertThat(second.headers().firstValue("link")).isEmpty();

    HttpResponse<String> until =
        get(
            "/api/history?receiver=ops&until="
                + URLEncoder.encode("2026-03-01T12:00:02+02:00", StandardCharsets.UTF_8),
            null);
    assertThat(ats(until)).containsExactly("2026-03-01T10:00:01.010Z", "2026-03-01T10:00:00.010Z");
    JsonObject record = new JsonArray(until.body()).getJsonObject(0);
    assertThat(record.fieldNames())
        .contains(
            "at",
            "kind",
            "agent",
            "alertname",
            "fingerprint",
            "status",
            "receiver",
            "outcome",
            "latencyMs",
            "error");
    assertThat(record.getString("kind")).isEqualTo("delivery");
    assertThat(record.getString("outcome")).isEqualTo("delivered");

    assertThat(get("/api/history?alertname=Nothing", null).body()).isEqualTo("[]");
  }

  @Test
  void aBadParameterIsA400NamingIt() throws Exception {
    serveRecords();
    Map<String, String> bad =
        Map.of(
            "limit=0",
            "limit must be a number from 1 to 5000, not '0'",
            "limit=5001",
            "limit must be a number from 1 to 5000, not '5001'",
            "since=yesterday",
            "since must be an ISO-8601 time such as 2026-01-31T08:00:00Z, not 'yesterday'",
            "until=2026-13-01T00:00:00Z",
            "until must be an ISO-8601 time such as 2026-01-31T08:00:00Z, not"
                + " '2026-13-01T00:00:00Z'",
            "kind=mail",
            "kind must be transition or delivery, not 'mail'",
            "agent=a1&agent=a2",
            "agent may be given once",
            "cursor=zzz",
            "cursor must be the one a Link header gave, not 'zzz'",
            "since=2026-03-02T00:00:00Z&until=2026-03-01T00:00:00Z",
            "since must be before until",
            "receiver=" + "x".repeat(1025),
            "receiver must be at most 1024 characters");
    for (Map.Entry<String, String> each : bad.entrySet()) {
      HttpResponse<String> answer = get("/api/history?" + each.getKey(), null);
      assertThat(answer.statusCode()).as(each.getKey()).isEqualTo(400);
      assertThat(new JsonObject(answer.body()).getString("error"))
          .as(each.getKey())
          .isEqualTo(each.getValue());
    }
  }

  @Test
  void withoutAHistoryItSaysSo() throws Exception {
    serve(new HttpConfig("127.0.0.1", 0), null);
    HttpResponse<String> answer = get("/api/history", null);
    assertThat(answer.statusCode()).isEqualTo(404);
    assertThat(new JsonObject(answer.body()).getString("error"))
        .isEqualTo("the notification history is off on this monitor (history.enabled: false)");
  }

  @Test
  void itNeedsTheReadTokenWhenTokensAreConfigured() throws Exception {
    store = HistoryStore.open(dir);
    HttpConfig http =
        ConfigLoader.parse(
                "http: { host: 127.0.0.1, port: 0, auth: { readTokenEnv: READ } }\n",
                "monitor.yaml",
                Map.of("READ", READ)::get)
            .http();
    serve(http, store);
    assertThat(get("/api/history", null).statusCode()).isEqualTo(401);
    HttpResponse<String> answer = get("/api/history", READ);
    assertThat(answer.statusCode()).isEqualTo(200);
    assertThat(answer.body()).isEqualTo("[]");
    assertThat(answer.headers().firstValue("x-total-count")).hasValue("0");
  }

  private HttpResponse<String> get(String path, String token) throws Exception {
    HttpRequest.Builder request =
        HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
            .timeout(Duration.ofSeconds(5));
    if (token != null) {
      request.header("Authorization", "Bearer " + token);
    }
    return HTTP.send(request.build(), HttpResponse.BodyHandlers.ofString());
  }

  private static List<String> ats(HttpResponse<String> response) {
    return new JsonArray(response.body())
        .stream().map(r -> ((JsonObject) r).getString("at")).toList();
  }
}
