package io.flumesentinel.dashboard;

import io.flumesentinel.event.Addresses;
import io.vertx.core.Handler;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.Message;
import io.vertx.core.eventbus.MessageConsumer;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.function.Consumer;

/**
 * {@code GET /api/stream}: server-sent events telling the dashboards what changed, so that a page
 * refreshes only when there is something new.
 *
 * <p>It listens to the alert transitions ({@link Addresses#ALERTS}), the lifecycle events of the
 * agents ({@link Addresses#EVENTS}: registered, started, crashed, session lost, stopped, …) and the
 * changes of silences ({@link Addresses#SILENCES}), gathers them in a {@link ChangeBatch} and sends
 * every open stream one {@code change} event at most every {@link #MIN_INTERVAL}: a storm of
 * thousands of changes becomes a few ticks of bounded size. A stream starts with a {@code hello}
 * event (a page reads everything then), and carries a comment every {@link #HEARTBEAT} so that
 * proxies and the page see it alive.
 *
 * <p>At most {@value #MAX_STREAMS} streams are open at once; one more is a 503. A client too slow
 * to take a tick misses it, and gets {@code "more": true} (refresh everything) once its connection
 * drains, so a stuck client holds no more than its connection's buffer. A closed stream is
 * forgotten. Runs on the HTTP server's event loop: every method is called from it.
 *
 * <p>It listens only while a stream is open: with no dashboard watching, a storm of thousands of
 * transitions costs it nothing (each message a consumer takes is a copy of the published JSON).
 */
final class EventStream {

  static final int MAX_STREAMS = 50;
  static final Duration MIN_INTERVAL = Duration.ofMillis(100);
  static final Duration HEARTBEAT = Duration.ofSeconds(15);

  private final Vertx vertx;
  private final TickPacer pacer;
  private final ChangeBatch batch = new ChangeBatch();
  private final Set<Client> clients = new LinkedHashSet<>();
  private final List<MessageConsumer<?>> listening = new ArrayList<>();
  private boolean tickScheduled;

  EventStream(Vertx vertx, Clock clock) {
    this.vertx = vertx;
    this.pacer = new TickPacer(clock, MIN_INTERVAL);
  }

  /**
   * Starts listening; called on the HTTP server's context, so the consumers and the heartbeat end
   * with it.
   */
  void start() {
    vertx.setPeriodic(HEARTBEAT.toMillis(), id -> heartbeat());
  }

  /** Listens from the first open stream on; a page reads everything when its stream starts. */
  private void listen() {
    if (!listening.isEmpty()) {
      return;
    }
    listening.add(vertx.eventBus().<Object>consumer(Addresses.ALERTS, json(batch::alert)));
    listening.add(vertx.eventBus().<Object>consumer(Addresses.EVENTS, json(batch::lifecycle)));
    listening.add(
        vertx
            .eventBus()
            .localConsumer(
                Addresses.SILENCES,
                message -> {
                  batch.silences();
                  changed();
                }));
  }

  /** Once the last stream is closed: nobody is told of what changes until one opens again. */
  private void forget(Client client) {
    if (clients.remove(client) && clients.isEmpty()) {
      listening.forEach(MessageConsumer::unregister);
      listening.clear();
      batch.take();
    }
  }

  void handle(RoutingContext ctx) {
    HttpServerResponse response = ctx.response();
    if (clients.size() >= MAX_STREAMS) {
      response
          .setStatusCode(503)
          .putHeader("retry-after", "10")
          .putHeader("content-type", "application/json")
          .end(
              new JsonObject()
                  .put("error", "already " + MAX_STREAMS + " dashboard streams open; close one")
                  .encode());
      return;
    }
    Client client = new Client(response);
    clients.add(client);
    listen();
    response.closeHandler(v -> forget(client));
    response.exceptionHandler(e -> forget(client));
    response
        .setStatusCode(200)
        .setChunked(true)
        .putHeader("content-type", "text/event-stream; charset=utf-8")
        .putHeader("x-accel-buffering", "no");
    response.write(
        "retry: 2000\n\nevent: hello\ndata: "
            + new JsonObject().put("minIntervalMs", MIN_INTERVAL.toMillis()).encode()
            + "\n\n");
  }

  private Handler<Message<Object>> json(Consumer<JsonObject> into) {
    return message -> {
      if (message.body() instanceof JsonObject body) {
        into.accept(body);
        changed();
      }
    };
  }

  private void changed() {
    if (tickScheduled) {
      return;
    }
    long wait = pacer.waitMillis();
    if (wait == 0) {
      tick();
    } else {
      tickScheduled = true;
      vertx.setTimer(
          wait,
          id -> {
            tickScheduled = false;
            tick();
          });
    }
  }

  private void tick() {
    if (batch.isEmpty()) {
      return;
    }
    pacer.sent();
    String event = "event: change\ndata: " + batch.take().encode() + "\n\n";
    for (Client client : clients) {
      client.send(event);
    }
  }

  private void heartbeat() {
    for (Client client : clients) {
      if (!client.response.writeQueueFull()) {
        client.response.write(": alive\n\n");
      }
    }
  }

  /** One open stream; {@code missed} while a tick could not be written to it. */
  private static final class Client {
    private final HttpServerResponse response;
    private boolean missed;

    Client(HttpServerResponse response) {
      this.response = response;
    }

    void send(String event) {
      if (missed) {
        return;
      }
      if (response.writeQueueFull()) {
        missed = true;
        response.drainHandler(
            v -> {
              missed = false;
              ChangeBatch everything = new ChangeBatch();
              everything.everything();
              response.write("event: change\ndata: " + everything.take().encode() + "\n\n");
            });
        return;
      }
      response.write(event);
    }
  }
}
