package io.flumesentinel.bench;

import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A real webhook receiver on a free loopback port, with a Vert.x instance of its own so that it never
 * shares event loops with the monitor. It notes {@link System#nanoTime()} as each request arrives,
 * before its body is read, reads the Alertmanager v4 body and completes, per agent, a future with the
 * arrival time of the first request that carried a firing alert for it.
 */
final class WebhookReceiver implements AutoCloseable {

  private final Vertx vertx = Vertx.vertx();
  private final Map<String, CompletableFuture<Long>> firstFiring = new ConcurrentHashMap<>();
  private final AtomicLong requests = new AtomicLong();
  private final List<String> malformed = new CopyOnWriteArrayList<>();
  private HttpServer server;

  private WebhookReceiver() {}

  static WebhookReceiver start() throws Exception {
    WebhookReceiver receiver = new WebhookReceiver();
    receiver.server =
        receiver.vertx.createHttpServer().requestHandler(receiver::handle).listen(0, "127.0.0.1").await(10, TimeUnit.SECONDS);
    return receiver;
  }

  String url() {
    return "http://127.0.0.1:" + server.actualPort() + "/hook";
  }

  /** Completes with the arrival time (nanoTime) of the first request carrying a firing alert for {@code agent}. */
  CompletableFuture<Long> firing(String agent) {
    return firstFiring.computeIfAbsent(agent, a -> new CompletableFuture<>());
  }

  /** When the first and the last of a set of agents' firing alerts arrived (nanoTime). */
  record Arrivals(long first, long last) {}

  /** Completes once every one of these agents' firing alerts has arrived. */
  CompletableFuture<Arrivals> allFiring(Collection<String> agents) {
    List<CompletableFuture<Long>> each = agents.stream().map(this::firing).toList();
    return CompletableFuture.allOf(each.toArray(CompletableFuture[]::new)).thenApply(done -> {
      var arrivals = each.stream().mapToLong(CompletableFuture::join).summaryStatistics();
      return new Arrivals(arrivals.getMin(), arrivals.getMax());
    });
  }

  /** Requests received so far, whatever they carried. */
  long requests() {
    return requests.get();
  }

  /** Bodies that were not Alertmanager v4 JSON; a benchmark with any of these is broken. */
  List<String> malformed() {
    return List.copyOf(malformed);
  }

  private void handle(HttpServerRequest request) {
    long arrived = System.nanoTime();
    requests.incrementAndGet();
    request.body().onComplete(read -> {
      if (read.failed()) {
        malformed.add("body not read: " + read.cause());
        request.response().setStatusCode(400).end();
        return;
      }
      try {
        JsonArray alerts = read.result().toJsonObject().getJsonArray("alerts");
        for (Object each : alerts) {
          JsonObject alert = (JsonObject) each;
          if ("firing".equals(alert.getString("status"))) {
            firing(alert.getJsonObject("labels").getString("agent")).complete(arrived);
          }
        }
        request.response().setStatusCode(200).end();
      } catch (RuntimeException e) {
        malformed.add(e.toString());
        request.response().setStatusCode(400).end(e.toString());
      }
    });
  }

  @Override
  public void close() throws Exception {
    vertx.close().await(10, TimeUnit.SECONDS);
  }
}
