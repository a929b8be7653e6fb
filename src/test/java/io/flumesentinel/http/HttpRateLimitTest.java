package io.flumesentinel.http;

import static org.assertj.core.api.Assertions.assertThat;

import io.flumesentinel.config.ConfigLoader;
import io.flumesentinel.config.HttpConfig;
import io.flumesentinel.readiness.Readiness;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The monitor's HTTP server with a small rate limit: what a client that goes over it sees. */
class HttpRateLimitTest {

  private final Vertx vertx = Vertx.vertx();

  @AfterEach
  void close() {
    vertx.close().await();
  }

  private HttpCalls deploy(String rateLimit) throws Exception {
    HttpConfig config =
        ConfigLoader.parse(
                "http: { host: 127.0.0.1, port: 0, rateLimit: " + rateLimit + " }", "monitor.yaml")
            .http();
    HttpServerVerticle server =
        new HttpServerVerticle(config, new Readiness(), JsonObject::new, (r, c) -> {});
    vertx.deployVerticle(server).await(10, TimeUnit.SECONDS);
    return new HttpCalls(vertx.createHttpClient(), server.actualPort());
  }

  @Test
  void overTheLimitIs429WithRetryAfterWhileHealthStillAnswers() throws Exception {
    HttpCalls http = deploy("{ perSecond: 0.01, burst: 3 }");

    for (int i = 0; i < 3; i++) {
      assertThat(http.get("/status", null).status()).isEqualTo(200);
    }
    HttpCalls.Answer refused = http.get("/status", null);

    assertThat(refused.status()).isEqualTo(429);
    assertThat(refused.header("retry-after")).isEqualTo("100");
    assertThat(new JsonObject(refused.body()).getString("error"))
        .isEqualTo("too many requests from this address; retry in 100 s");
    assertThat(refused.header("x-content-type-options")).isEqualTo("nosniff");
    assertThat(http.get("/api/alerts", null).status()).isEqualTo(429);
    for (int i = 0; i < 10; i++) {
      assertThat(http.get("/health/live", null).status()).isEqualTo(200);
    }
  }

  @Test
  void switchedOffNothingIsRefused() throws Exception {
    HttpCalls http = deploy("false");

    for (int i = 0; i < 100; i++) {
      assertThat(http.get("/status", null).status()).isEqualTo(200);
    }
  }
}
