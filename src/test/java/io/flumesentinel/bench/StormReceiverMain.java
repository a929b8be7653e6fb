package io.flumesentinel.bench;

import io.flumesentinel.testing.WebhookReceiver;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.IntStream;

/**
 * The storm's webhook receiver in a process of its own. Arguments: the agents' id prefix and their
 * count. Prints {@code URL <url>} once it listens, then {@code ALL first=<µs> last=<µs>
 * requests=<n>} when every agent's firing alert has arrived (wall-clock microseconds, see {@link
 * WallClock}), and then {@code REQUEST at=<µs> alerts=<n>} for each request of the storm.
 *
 * <p>Before it prints its URL it takes {@value #WARM_UP_REQUESTS} requests of its own, each a
 * webhook body of {@value #WARM_UP_ALERTS} alerts about a made-up monitor: a receiver in production
 * (Alertmanager, a chat gateway) has been running for days, and what is measured is the monitor,
 * not the first requests a cold receiver serves. They are not counted in {@code requests}.
 */
public final class StormReceiverMain {

  private static final int WARM_UP_REQUESTS = 200;
  private static final int WARM_UP_ALERTS = 100;
  private static final String WARM_UP_MONITOR = "warm-up-";

  private StormReceiverMain() {}

  public static void main(String[] args) throws Exception {
    String prefix = args[0];
    int count = Integer.parseInt(args[1]);
    List<String> ids =
        IntStream.range(0, count).mapToObj(i -> String.format("%s-%05d", prefix, i)).toList();
    try (WebhookReceiver receiver = WebhookReceiver.start()) {
      warmUp(receiver.url());
      long warmUpRequests = receiver.requests();
      var all = receiver.allFiring(ids);
      System.out.println("URL " + receiver.url());
      var arrivals = all.get(10, TimeUnit.MINUTES);
      System.out.println(
          "ALL first="
              + WallClock.micros(arrivals.first())
              + " last="
              + WallClock.micros(arrivals.last())
              + " requests="
              + (receiver.requests() - warmUpRequests)
              + " malformed="
              + receiver.malformed().size());
      printRequests(receiver);
      System.out.flush();
      Thread.sleep(Long.MAX_VALUE);
    }
  }

  /**
   * One {@code REQUEST at=<µs> alerts=<n>} line per request of the storm, in the order they
   * arrived: where a slow storm spent its time, between requests or in them.
   */
  private static void printRequests(WebhookReceiver receiver) {
    long current = Long.MIN_VALUE;
    int alerts = 0;
    for (WebhookReceiver.Received each : receiver.alerts()) {
      if (each.agent().startsWith(WARM_UP_MONITOR)) {
        continue;
      }
      if (each.arrivedNanos() != current) {
        if (alerts > 0) {
          System.out.println("REQUEST at=" + WallClock.micros(current) + " alerts=" + alerts);
        }
        current = each.arrivedNanos();
        alerts = 0;
      }
      alerts++;
    }
    if (alerts > 0) {
      System.out.println("REQUEST at=" + WallClock.micros(current) + " alerts=" + alerts);
    }
  }

  private static void warmUp(String url) throws Exception {
    JsonArray alerts = new JsonArray();
    for (int i = 0; i < WARM_UP_ALERTS; i++) {
      alerts.add(
          new JsonObject()
              .put("status", "firing")
              .put(
                  "labels",
                  new JsonObject().put("alertname", "WarmUp").put("monitor", WARM_UP_MONITOR + i))
              .put("annotations", new JsonObject().put("summary", "a receiver warming up"))
              .put("startsAt", "2026-01-01T00:00:00Z")
              .put("endsAt", "0001-01-01T00:00:00Z")
              .put("generatorURL", "")
              .put("fingerprint", String.format("%016x", i)));
    }
    Buffer body =
        new JsonObject()
            .put("version", "4")
            .put("status", "firing")
            .put("alerts", alerts)
            .toBuffer();
    Vertx vertx = Vertx.vertx();
    try {
      var client = vertx.createHttpClient();
      for (int i = 0; i < WARM_UP_REQUESTS; i++) {
        client
            .request(
                new io.vertx.core.http.RequestOptions()
                    .setMethod(HttpMethod.POST)
                    .setAbsoluteURI(url))
            .compose(request -> request.send(body))
            .compose(response -> response.body())
            .await(10, TimeUnit.SECONDS);
      }
    } finally {
      vertx.close().await(10, TimeUnit.SECONDS);
    }
  }
}
