package io.flumesentinel.testing;

import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.json.JsonObject;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Queue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A real receiver of Alertmanager v4 webhooks on a free loopback port, with a Vert.x instance of
 * its own so that it never shares event loops with the monitor. It notes {@link System#nanoTime()}
 * as each request arrives, before its body is read. While it answers 200 (the default; see {@link
 * #answer}) it records every alert of a request, and completes, per agent, a future with the
 * arrival time of the first request that carried a firing alert for it; while it answers anything
 * else it records nothing.
 */
public final class WebhookReceiver implements AutoCloseable {

  /** One alert as received, with the time its request arrived. */
  public record Received(String agent, String status, JsonObject alert, long arrivedNanos) {

    public String annotation(String name) {
      return alert.getJsonObject("annotations").getString(name);
    }
  }

  /** When the first and the last of a set of agents' firing alerts arrived (nanoTime). */
  public record Arrivals(long first, long last) {}

  private final Vertx vertx = Vertx.vertx();
  // queues, not copy-on-write lists: a storm of thousands of alerts must not slow the
  // event loop down
  private final Queue<Received> alerts = new ConcurrentLinkedQueue<>();
  private final Queue<JsonObject> bodies = new ConcurrentLinkedQueue<>();
  private final Map<String, CompletableFuture<Long>> firstFiring = new ConcurrentHashMap<>();
  private final AtomicLong requests = new AtomicLong();
  private final List<String> malformed = new CopyOnWriteArrayList<>();
  private volatile int answer = 200;
  private HttpServer server;

  private WebhookReceiver() {}

  public static WebhookReceiver start() throws Exception {
    WebhookReceiver receiver = new WebhookReceiver();
    receiver.server =
        receiver
            .vertx
            .createHttpServer()
            .requestHandler(receiver::handle)
            .listen(0, "127.0.0.1")
            .await(10, TimeUnit.SECONDS);
    return receiver;
  }

  public String url() {
    return "http://127.0.0.1:" + server.actualPort() + "/hook";
  }

  /** Answer every request with {@code status} from now on (200 records the alerts). */
  public void answer(int status) {
    this.answer = status;
  }

  /** Every alert recorded so far, in the order they arrived. */
  public List<Received> alerts() {
    return List.copyOf(alerts);
  }

  public List<Received> alertsFor(String agent) {
    return alerts.stream().filter(a -> a.agent().equals(agent)).toList();
  }

  /** The bodies of the requests whose alerts were recorded. */
  public List<JsonObject> bodies() {
    return List.copyOf(bodies);
  }

  /**
   * Completes with the arrival time (nanoTime) of the first request carrying a firing alert for
   * {@code agent}.
   */
  public CompletableFuture<Long> firing(String agent) {
    return firstFiring.computeIfAbsent(agent, a -> new CompletableFuture<>());
  }

  /** Completes once every one of these agents' firing alerts has arrived. */
  public CompletableFuture<Arrivals> allFiring(Collection<String> agents) {
    List<CompletableFuture<Long>> each = agents.stream().map(this::firing).toList();
    return CompletableFuture.allOf(each.toArray(CompletableFuture[]::new))
        .thenApply(
            done -> {
              var arrivals = each.stream().mapToLong(CompletableFuture::join).summaryStatistics();
              return new Arrivals(arrivals.getMin(), arrivals.getMax());
            });
  }

  /** Requests received so far, whatever they carried and however they were answered. */
  public long requests() {
    return requests.get();
  }

  /** Bodies that were not Alertmanager v4 JSON; a test or benchmark with any of these is broken. */
  public List<String> malformed() {
    return List.copyOf(malformed);
  }

  private void handle(HttpServerRequest request) {
    long arrived = System.nanoTime();
    requests.incrementAndGet();
    request
        .body()
        .onComplete(
            read -> {
              if (read.failed()) {
                malformed.add("body not read: " + read.cause());
                request.response().setStatusCode(400).end();
                return;
              }
              int status = answer;
              if (status != 200) {
                request.response().setStatusCode(status).end();
                return;
              }
              try {
                JsonObject body = read.result().toJsonObject();
                bodies.add(body); // before its alerts: whoever sees an alert sees its body
                for (Object each : body.getJsonArray("alerts")) {
                  JsonObject alert = (JsonObject) each;
                  JsonObject labels = alert.getJsonObject("labels");
                  // alerts about the monitor itself name no agent: keyed by the monitor
                  String agent = labels.getString("agent", labels.getString("monitor"));
                  String alertStatus = alert.getString("status");
                  alerts.add(new Received(agent, alertStatus, alert, arrived));
                  if ("firing".equals(alertStatus)) {
                    firing(agent).complete(arrived);
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
