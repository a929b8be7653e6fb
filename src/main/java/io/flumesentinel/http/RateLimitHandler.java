package io.flumesentinel.http;

import io.vertx.core.Handler;
import io.vertx.ext.web.RoutingContext;
import java.time.Duration;

/**
 * Refuses a client's requests beyond its share with {@code 429 Too Many Requests} and a {@code
 * Retry-After} in whole seconds. Health probes are never limited: a probe refused would restart or
 * unload a monitor that is fine. The client is the peer address of the connection; a {@code
 * X-Forwarded-For} header is not believed, since anyone can send one.
 */
final class RateLimitHandler implements Handler<RoutingContext> {

  private final ClientRateLimiter limiter;
  private final RefusalLog refusals;

  RateLimitHandler(ClientRateLimiter limiter, RefusalLog refusals) {
    this.limiter = limiter;
    this.refusals = refusals;
  }

  @Override
  public void handle(RoutingContext ctx) {
    String path = ctx.normalizedPath();
    if (AccessPolicy.isHealth(path)) {
      ctx.next();
      return;
    }
    String remote = Answers.remote(ctx);
    Duration wait = limiter.acquire(remote);
    if (wait.isZero()) {
      ctx.next();
      return;
    }
    long seconds = Math.max(1, (wait.toMillis() + 999) / 1000);
    refusals.refused("429 (rate limit)", remote, ctx.request().method().name(), path);
    ctx.response().putHeader("retry-after", Long.toString(seconds));
    Answers.error(ctx, 429, "too many requests from this address; retry in " + seconds + " s");
  }
}
