package io.flumesentinel.testing;

import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import io.vertx.core.json.JsonObject;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;

/** A real HTTP receiver of Alertmanager webhooks, which can be told to answer with an error. */
public final class WebhookReceiver implements AutoCloseable {

  /** One alert as received, with the time its request arrived. */
  public record Received(String agent, String status, JsonObject alert, long arrivedNanos) {

    public String annotation(String name) {
      return alert.getJsonObject("annotations").getString(name);
    }
  }

  private final Vertx vertx = Vertx.vertx();
  private final HttpServer server;
  private final List<Received> alerts = new CopyOnWriteArrayList<>();
  private final List<JsonObject> bodies = new CopyOnWriteArrayList<>();
  private volatile int answer = 200;

  public WebhookReceiver() throws Exception {
    server = vertx.createHttpServer().requestHandler(request -> request.body().onSuccess(body -> {
      long now = System.nanoTime();
      if (answer == 200) {
        JsonObject json = body.toJsonObject();
        bodies.add(json);
        json.getJsonArray("alerts").forEach(o -> {
          JsonObject alert = (JsonObject) o;
          alerts.add(new Received(alert.getJsonObject("labels").getString("agent"), alert.getString("status"), alert, now));
        });
      }
      request.response().setStatusCode(answer).end();
    })).listen(0, "127.0.0.1").await(10, TimeUnit.SECONDS);
  }

  public String url() {
    return "http://127.0.0.1:" + server.actualPort() + "/hook";
  }

  /** Answer every request with {@code status} from now on (200 records the alerts). */
  public void answer(int status) {
    this.answer = status;
  }

  public List<Received> alerts() {
    return List.copyOf(alerts);
  }

  public List<Received> alertsFor(String agent) {
    return alerts.stream().filter(a -> a.agent().equals(agent)).toList();
  }

  public List<JsonObject> bodies() {
    return List.copyOf(bodies);
  }

  @Override
  public void close() throws Exception {
    vertx.close().await(10, TimeUnit.SECONDS);
  }
}
