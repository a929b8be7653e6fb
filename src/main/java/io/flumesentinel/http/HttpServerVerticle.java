package io.flumesentinel.http;

import io.flumesentinel.config.BusyPort;
import io.flumesentinel.config.HttpAuthConfig;
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
import io.vertx.ext.web.handler.BodyHandler;
import java.time.Clock;
import java.util.List;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

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
 * Every request passes, in order: the {@link SecurityHeaders}; the {@link RateLimitHandler} (when
 * {@code http.rateLimit} is on); the {@link TokenAuthHandler} (when {@code http.auth} configures
 * tokens; {@code /health/*} stays open); a body limit of {@value #MAX_BODY_BYTES} bytes. With
 * {@code http.tls} the port speaks TLS 1.2 or 1.3 only. Responses are never cached. {@link
 * #start()} completes once the server listens, and fails with a {@code ConfigException} naming the
 * key when the TLS key material cannot be used or the port is in use ({@code http.port}).
 */
public final class HttpServerVerticle extends VerticleBase {

  /** The largest request body read: enough for any silence or acknowledgement. */
  static final int MAX_BODY_BYTES = 64 * 1024;

  /** Client addresses with a rate-limit bucket at most, about 100 bytes each. */
  static final int MAX_CLIENTS = 10_000;

  private static final Logger log = LoggerFactory.getLogger(HttpServerVerticle.class);

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
    RefusalLog refusals = new RefusalLog(Clock.systemUTC(), log::warn);
    router.route().handler(new SecurityHeaders(http.tls().enabled()));
    if (http.rateLimit().enabled()) {
      ClientRateLimiter limiter =
          new ClientRateLimiter(
              Clock.systemUTC(),
              http.rateLimit().perSecond(),
              http.rateLimit().burst(),
              MAX_CLIENTS);
      router.route().handler(new RateLimitHandler(limiter, refusals));
    }
    if (http.auth().enabled()) {
      router
          .route()
          .handler(
              new TokenAuthHandler(
                  new AccessPolicy(more.openPrefixes(), more.openPaths()),
                  new TokenCheck(http.auth()),
                  refusals));
    }
    // After the token check: a client without one never has a body read.
    router.route().handler(BodyHandler.create(false).setBodyLimit(MAX_BODY_BYTES));
    router
        .get("/health/live")
        .handler(ctx -> respond(ctx, 200, new JsonObject().put("status", "UP")));
    router.get("/health/ready").handler(this::ready);
    router.get("/status").handler(ctx -> respond(ctx, 200, status.get()));
    more.mount(router, context);
    errors(router);
    HttpServerOptions options =
        ServerTls.apply(
            new HttpServerOptions()
                .setHost(http.host())
                .setPort(http.port())
                // HTTP/1.1 only, as over TLS (no ALPN): a cleartext client that offers an h2c
                // upgrade (Java's HttpClient does by default) stays on HTTP/1.1. Vert.x's HTTP/2
                // server metrics log a NullPointerException at ERROR when such a stream closes
                // before its request began, and nothing here needs HTTP/2.
                .setHttp2ClearTextEnabled(false),
            http.tls());
    return ServerTls.check(vertx, http.tls(), log::warn)
        .compose(
            checked ->
                vertx
                    .createHttpServer(options)
                    .requestHandler(router)
                    .listen()
                    .recover(e -> Future.failedFuture(listenFailure(e))))
        .onSuccess(
            listening -> {
              server = listening;
              announce(listening.actualPort());
            });
  }

  private Throwable listenFailure(Throwable failure) {
    if (BusyPort.isCause(failure)) {
      return BusyPort.error("http.port", "--http-port", http.host() + ":" + http.port());
    }
    return ServerTls.listenFailure(http.tls(), failure);
  }

  /** The port the server listens on, which differs from the configured one when that was 0. */
  public int actualPort() {
    HttpServer listening = server;
    if (listening == null) {
      throw new IllegalStateException("the health server is not listening yet");
    }
    return listening.actualPort();
  }

  /** JSON for what no route answers, instead of Vert.x Web's text (and its log line for each). */
  private static void errors(Router router) {
    router.errorHandler(404, ctx -> Answers.error(ctx, 404, "not found"));
    router.errorHandler(405, ctx -> Answers.error(ctx, 405, "method not allowed"));
    router.errorHandler(
        413, ctx -> Answers.error(ctx, 413, "request body over " + MAX_BODY_BYTES + " bytes"));
    router.errorHandler(
        500,
        ctx -> {
          log.error("{} {} failed", ctx.request().method(), ctx.normalizedPath(), ctx.failure());
          Answers.error(ctx, 500, "internal error");
        });
  }

  /** One line saying how the port is protected, and a warning where it is not. */
  private void announce(int port) {
    HttpAuthConfig auth = http.auth();
    String where = (http.tls().enabled() ? "https://" : "http://") + http.host() + ":" + port;
    log.info(
        "HTTP endpoints on {}: {}; {}",
        where,
        auth.enabled()
            ? "bearer tokens required except on /health/* ("
                + auth.count(HttpAuthConfig.Role.READ)
                + " read, "
                + auth.count(HttpAuthConfig.Role.WRITE)
                + " write)"
            : "no tokens",
        http.rateLimit().enabled()
            ? "at most "
                + java.math.BigDecimal.valueOf(http.rateLimit().perSecond())
                    .stripTrailingZeros()
                    .toPlainString()
                + " requests/s per client address (bursts of "
                + http.rateLimit().burst()
                + ")"
            : "no rate limit");
    if (http.loopbackOnly()) {
      return;
    }
    if (!auth.enabled()) {
      log.warn(
          "The HTTP API on {} is unauthenticated: anyone who can reach it reads alerts, hosts"
              + " and crash output. Set http.auth (docs/security.md), or http.host: 127.0.0.1",
          where);
    } else if (!http.tls().enabled()) {
      log.warn(
          "Bearer tokens reach {} in clear text: set http.tls, or terminate TLS in front of it",
          where);
    }
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
    Answers.json(ctx, statusCode, body.encode());
  }
}
