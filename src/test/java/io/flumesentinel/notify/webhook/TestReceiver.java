package io.flumesentinel.notify.webhook;

import io.flumesentinel.event.Alert;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.util.Arrays;
import java.util.List;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A real webhook receiver on a free local port: records every request it gets and answers each as
 * told (a status, after an optional delay, or never).
 */
final class TestReceiver {

  /** As a status: keep the request open and never answer. */
  static final int HANG = -1;

  static final String REFUSAL = "invalid alert payload: unknown field";

  /** One request as the receiver saw it. */
  record Request(
      long arrivedNanos,
      JsonObject body,
      String contentType,
      String userAgent,
      int answeredStatus) {

    List<Alert> alerts() {
      return body.getJsonArray("alerts").stream()
          .map(alert -> Alert.fromJson((JsonObject) alert))
          .toList();
    }

    boolean accepted() {
      return answeredStatus >= 200 && answeredStatus < 300;
    }
  }

  private final Vertx vertx;
  private final List<Request> requests = new CopyOnWriteArrayList<>();
  private final AtomicInteger connections = new AtomicInteger();
  private final Queue<Integer> script = new ConcurrentLinkedQueue<>();
  private volatile int status = 200;
  private volatile long delayMillis;
  private HttpServer server;

  private TestReceiver(Vertx vertx) {
    this.vertx = vertx;
  }

  static Future<TestReceiver> start(Vertx vertx) {
    TestReceiver receiver = new TestReceiver(vertx);
    receiver.server =
        vertx
            .createHttpServer()
            .connectionHandler(connection -> receiver.connections.incrementAndGet())
            .requestHandler(receiver::handle);
    return receiver.server.listen(0, "localhost").map(server -> receiver);
  }

  /** A URL on which nothing listens, so that connecting to it is refused. */
  static String refusingUrl() {
    try (ServerSocket socket = new ServerSocket(0)) {
      return "http://localhost:" + socket.getLocalPort() + "/hook";
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  String url() {
    return "http://localhost:" + server.actualPort() + "/hook";
  }

  /** Answers every request not scripted with this status (or {@link #HANG}). */
  TestReceiver answer(int status) {
    this.status = status;
    return this;
  }

  /**
   * Answers the next requests with these statuses, in order, before going back to {@link #answer}.
   */
  TestReceiver script(Integer... statuses) {
    script.addAll(Arrays.asList(statuses));
    return this;
  }

  /** Answers only after this delay, as a slow receiver. */
  TestReceiver delay(long millis) {
    this.delayMillis = millis;
    return this;
  }

  /** How many connections clients have opened to this receiver. */
  int connections() {
    return connections.get();
  }

  List<Request> requests() {
    return List.copyOf(requests);
  }

  List<Request> accepted() {
    return requests.stream().filter(Request::accepted).toList();
  }

  /** The agents of every alert in the requests answered with a 2xx, in the order they arrived. */
  List<String> acceptedAgents() {
    return accepted().stream()
        .flatMap(request -> request.alerts().stream())
        .map(Alert::agent)
        .toList();
  }

  private void handle(HttpServerRequest request) {
    long arrived = System.nanoTime();
    request
        .body()
        .onSuccess(
            body -> {
              Integer scripted = script.poll();
              int answer = scripted != null ? scripted : status;
              requests.add(
                  new Request(
                      arrived,
                      body.toJsonObject(),
                      request.getHeader("Content-Type"),
                      request.getHeader("User-Agent"),
                      answer));
              if (answer == HANG) {
                return;
              }
              if (delayMillis > 0) {
                vertx.setTimer(delayMillis, id -> respond(request, answer));
              } else {
                respond(request, answer);
              }
            });
  }

  private static void respond(HttpServerRequest request, int status) {
    String text = status >= 400 && status < 500 ? REFUSAL : "";
    request.response().setStatusCode(status).end(text);
  }
}
