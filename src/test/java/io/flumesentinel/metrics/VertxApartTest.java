package io.flumesentinel.metrics;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.core.http.HttpMethod;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * A Vert.x built apart from the monitor's ({@link MonitorMetrics#vertxBuilderApart}), as a storm
 * rehearsal's is, in the same JVM: what it serves is not counted as the monitor's, and closing it
 * leaves the monitor's metrics counting.
 */
class VertxApartTest {

  private static final String SERVER_REQUESTS = "vertx_http_server_requests_total";

  @Test
  void aVertxApartCountsIntoItsOwnRegistryAndClosingItLeavesTheMonitorsCounting() throws Exception {
    MonitorMetrics monitorMetrics = new MonitorMetrics();
    MonitorMetrics apartMetrics = new MonitorMetrics();
    Vertx monitor = monitorMetrics.vertxBuilder(new VertxOptions()).build();
    try {
      Vertx apart = apartMetrics.vertxBuilderApart(new VertxOptions()).build();
      serveOneRequest(apart);
      apart.close().await(30, TimeUnit.SECONDS);

      serveOneRequest(monitor);

      assertThat(new Scrape(apartMetrics.scrape()).sum(SERVER_REQUESTS)).isEqualTo(1.0);
      assertThat(new Scrape(monitorMetrics.scrape()).sum(SERVER_REQUESTS)).isEqualTo(1.0);
    } finally {
      monitor.close().await(30, TimeUnit.SECONDS);
    }
  }

  /** One request to a server of {@code vertx}, from a client of {@code vertx}. */
  private static void serveOneRequest(Vertx vertx) throws Exception {
    var server =
        vertx
            .createHttpServer()
            .requestHandler(request -> request.response().end("ok"))
            .listen(0, "127.0.0.1")
            .await(30, TimeUnit.SECONDS);
    try {
      vertx
          .createHttpClient()
          .request(HttpMethod.GET, server.actualPort(), "127.0.0.1", "/")
          .compose(request -> request.send().compose(response -> response.body()))
          .await(30, TimeUnit.SECONDS);
    } finally {
      server.close().await(30, TimeUnit.SECONDS);
    }
  }
}
