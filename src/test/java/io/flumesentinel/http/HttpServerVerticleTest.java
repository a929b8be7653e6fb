package io.flumesentinel.http;

import static org.assertj.core.api.Assertions.assertThat;

import io.flumesentinel.config.HttpConfig;
import io.flumesentinel.readiness.Readiness;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.junit5.VertxExtension;
import io.vertx.junit5.VertxTestContext;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

@ExtendWith(VertxExtension.class)
class HttpServerVerticleTest {

  private final Readiness readiness = new Readiness();
  private final AtomicInteger statusCalls = new AtomicInteger();
  private HttpServerVerticle verticle;
  private HttpClient client;

  /** What a probe sees: status code, content type and JSON body. */
  private record Answer(int status, String contentType, JsonObject body) {}

  @BeforeEach
  void deploy(Vertx vertx, VertxTestContext context) {
    verticle =
        new HttpServerVerticle(
            new HttpConfig("127.0.0.1", 0),
            readiness,
            () -> new JsonObject().put("agents", 3).put("calls", statusCalls.incrementAndGet()),
            (router, onContext) -> {});
    client = vertx.createHttpClient();
    vertx.deployVerticle(verticle).onComplete(context.succeedingThenComplete());
  }

  private Future<Answer> get(String path) {
    return client
        .request(HttpMethod.GET, verticle.actualPort(), "127.0.0.1", path)
        .compose(request -> request.send())
        .compose(
            response ->
                response
                    .body()
                    .map(
                        body ->
                            new Answer(
                                response.statusCode(),
                                response.getHeader("content-type"),
                                body.toJsonObject())));
  }

  /** A client that offers an h2c upgrade, as Java's HttpClient does by default, gets HTTP/1.1. */
  @Test
  void anOfferedH2cUpgradeIsAnsweredOverHttp11() throws Exception {
    java.net.http.HttpResponse<String> response =
        java.net.http.HttpClient.newBuilder()
            .version(java.net.http.HttpClient.Version.HTTP_2)
            .build()
            .send(
                java.net.http.HttpRequest.newBuilder(
                        java.net.URI.create(
                            "http://127.0.0.1:" + verticle.actualPort() + "/health/live"))
                    .build(),
                java.net.http.HttpResponse.BodyHandlers.ofString());

    assertThat(response.statusCode()).isEqualTo(200);
    assertThat(response.version()).isEqualTo(java.net.http.HttpClient.Version.HTTP_1_1);
  }

  @Test
  void liveAlwaysAnswersUp(VertxTestContext context) {
    assertThat(verticle.actualPort()).isPositive();

    get("/health/live")
        .onComplete(
            context.succeeding(
                answer ->
                    context.verify(
                        () -> {
                          assertThat(answer)
                              .isEqualTo(
                                  new Answer(
                                      200,
                                      "application/json",
                                      new JsonObject().put("status", "UP")));
                          context.completeNow();
                        })));
  }

  @Test
  void readyIs503WithReasonsUntilEveryFlagIsSet(VertxTestContext context) {
    readiness.zkConnected(true);
    readiness.ledgerLoaded();

    get("/health/ready")
        .compose(
            notReady -> {
              context.verify(
                  () -> {
                    assertThat(notReady.status()).isEqualTo(503);
                    assertThat(notReady.body())
                        .isEqualTo(
                            new JsonObject()
                                .put("status", "NOT_READY")
                                .put(
                                    "waitingFor",
                                    new JsonArray()
                                        .add("initial load of agent and live nodes")
                                        .add("reconciliation")));
                  });
              readiness.watchLoaded();
              readiness.reconciled();
              return get("/health/ready");
            })
        .onComplete(
            context.succeeding(
                ready ->
                    context.verify(
                        () -> {
                          assertThat(ready)
                              .isEqualTo(
                                  new Answer(
                                      200,
                                      "application/json",
                                      new JsonObject().put("status", "READY")));
                          context.completeNow();
                        })));
  }

  @Test
  void readyGoesBackTo503WhenZooKeeperIsLost(VertxTestContext context) {
    readiness.zkConnected(true);
    readiness.watchLoaded();
    readiness.ledgerLoaded();
    readiness.reconciled();
    readiness.zkConnected(false);

    get("/health/ready")
        .onComplete(
            context.succeeding(
                answer ->
                    context.verify(
                        () -> {
                          assertThat(answer.status()).isEqualTo(503);
                          assertThat(answer.body().getJsonArray("waitingFor"))
                              .isEqualTo(new JsonArray().add("ZooKeeper connection"));
                          context.completeNow();
                        })));
  }

  @Test
  void statusReturnsTheSuppliersJsonFreshOnEachRequest(VertxTestContext context) {
    get("/status")
        .compose(first -> get("/status").map(second -> List.of(first, second)))
        .onComplete(
            context.succeeding(
                answers ->
                    context.verify(
                        () -> {
                          JsonObject firstStatus =
                              new JsonObject().put("agents", 3).put("calls", 1);
                          assertThat(answers.get(0))
                              .isEqualTo(new Answer(200, "application/json", firstStatus));
                          assertThat(answers.get(1).body().getInteger("calls")).isEqualTo(2);
                          context.completeNow();
                        })));
  }
}
