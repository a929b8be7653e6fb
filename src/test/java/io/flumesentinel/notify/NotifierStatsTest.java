package io.flumesentinel.notify;

import static io.flumesentinel.testing.TestAlerts.firing;
import static io.flumesentinel.testing.TestAlerts.notice;
import static io.flumesentinel.testing.TestAlerts.withSummary;
import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.Test;

class NotifierStatsTest {

  @Test
  void theJsonFormShowsEveryCounterForTheHealthEndpoint() {
    NotifierStats stats = new NotifierStats("ops");
    DeliveryQueue queue = new DeliveryQueue(10);
    queue.offer(notice(firing("a")));
    queue.offer(notice(withSummary(firing("a"), "again")));
    queue.offer(notice(firing("b")));

    stats.recordRequest();
    stats.recordRetry("http://a/hook: HTTP 503");
    stats.recordRequest();
    stats.recordDelivered(3);
    stats.recordRequest();
    stats.recordRejected(2, "http://a/hook: HTTP 400");
    stats.recordDropped(1);
    stats.recordQueue(queue);

    assertThat(stats.toJson())
        .isEqualTo(
            new JsonObject()
                .put("receiver", "ops")
                .put("delivered", 3L)
                .put("requests", 3L)
                .put("retries", 1L)
                .put("rejected", 2L)
                .put("dropped", 1L)
                .put("collapsed", 1L)
                .put("queued", 2)
                .put("lastError", "http://a/hook: HTTP 400"));
  }
}
