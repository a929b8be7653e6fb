package io.flumesentinel.http;

import io.flumesentinel.config.HttpConfig;
import io.flumesentinel.readiness.Readiness;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import java.util.List;
import java.util.function.Supplier;

/**
 * The HTTP endpoints for load balancers, orchestrators and operators:
 *
 * <ul>
 *   <li>{@code GET /health/live}: always 200 {@code {"status":"UP"}}; an answer proves the event
 *       loop is not stuck.
 *   <li>{@code GET /health/ready}: 200 {@code {"status":"READY"}} once {@link Readiness#ready()},
 *       else 503 {@code {"status":"NOT_READY","waitingFor":[...]}}.
 *   <li>{@code GET /status}: 200 with whatever the status supplier returns, which runs on the event
 *       loop and so must be cheap and non-blocking.
 *   <li>whatever the {@link Routes} given add (the read-only API, {@link ReadApi}).
 * </ul>
 *
 * Responses are never cached. {@link #start()} completes once the server listens.
 */
public final class HttpServerVerticle extends VerticleBase {

  private final HttpConfig http;
  private final Readiness readiness;
  private final Supplier<JsonObject> status;
  private final Routes more;
  private volatile HttpServer server;

  public HttpServerVerticle(
      HttpConfig http, Readiness readiness, Supplier<JsonObject> status, Routes more) {
    this.http = http;
    this.readiness = readiness;
    this.status = status;
    this.more = more;
  }

  @Override
  public Future<?> start() {
    Router router = Router.router(vertx);
    router
        .get("/health/live")
        .handler(ctx -> respond(ctx, 200, new JsonObject().put("status", "UP")));
    router.get("/health/ready").handler(this::ready);
    router.get("/status").handler(ctx -> respond(ctx, 200, status.get()));
    more.mount(router, context);
    return vertx
        .createHttpServer(new HttpServerOptions().setHost(http.host()).setPort(http.port()))
        .requestHandler(router)
        .listen()
        .onSuccess(listening -> server = listening);
  }

  /** The port the server listens on, which differs from the configured one when that was 0. */
  public int actualPort() {
    HttpServer listening = server;
    if (listening == null) {
      throw new IllegalStateException("the health server is not listening yet");
    }
    return listening.actualPort();
  }

  private void ready(RoutingContext ctx) {
    // Read the reasons once: the flags may change between two calls.
    List<String> waitingFor = readiness.waitingFor();
    if (waitingFor.isEmpty()) {
      respond(ctx, 200, new JsonObject().put("status", "READY"));
    } else {
      respond(
          ctx,
          503,
          new JsonObject().put("status", "NOT_READY").put("waitingFor", new JsonArray(waitingFor)));
    }
  }

  private static void respond(RoutingContext ctx, int statusCode, JsonObject body) {
    ctx.response()
        .setStatusCode(statusCode)
        .putHeader("content-type", "application/json")
        .putHeader("cache-control", "no-store")
        .end(body.encode());
  }
}
