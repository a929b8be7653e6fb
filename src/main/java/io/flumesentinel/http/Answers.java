package io.flumesentinel.http;

import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;

/** The JSON answers every handler here sends. */
final class Answers {

  private Answers() {}

  static void json(RoutingContext ctx, int status, String body) {
    ctx.response()
        .setStatusCode(status)
        .putHeader("content-type", "application/json")
        .putHeader("cache-control", "no-store")
        .end(body);
  }

  /** {@code {"error": message}} */
  static void error(RoutingContext ctx, int status, String message) {
    json(ctx, status, new JsonObject().put("error", message).encode());
  }

  /** The client's address as a log line shows it. */
  static String remote(RoutingContext ctx) {
    return ctx.request().remoteAddress() == null
        ? "unknown"
        : ctx.request().remoteAddress().hostAddress();
  }
}
