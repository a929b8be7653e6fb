package io.flumesentinel.http;

import io.vertx.core.Handler;
import io.vertx.core.MultiMap;
import io.vertx.ext.web.RoutingContext;

/**
 * Puts the usual security headers on every response, errors and refusals included:
 *
 * <ul>
 *   <li>{@code X-Content-Type-Options: nosniff}: a browser takes a JSON answer for JSON, never for
 *       a script or a page, whatever it holds (labels and crash output are written by others).
 *   <li>{@code Content-Security-Policy}: only this origin's own scripts, styles, images and
 *       connections ({@code default-src 'self'}, which a dashboard served from here fits), no
 *       plugins, no {@code <base>} rewriting, no form posts elsewhere, and no framing ({@code
 *       frame-ancestors 'none'}).
 *   <li>{@code X-Frame-Options: DENY}: no framing, for browsers that predate {@code
 *       frame-ancestors}.
 *   <li>{@code Referrer-Policy: no-referrer}: a link followed from here does not carry this
 *       monitor's address and query (filters, cursors) to another site.
 *   <li>{@code Cache-Control: no-store}: answers are state that changes; none is kept by a browser
 *       or a proxy, tokens' answers included.
 *   <li>{@code Strict-Transport-Security} when the port speaks TLS: browsers that reached it once
 *       keep to HTTPS for a year. Without {@code includeSubDomains}: the monitor does not own its
 *       domain's other hosts.
 * </ul>
 *
 * Each is a fixed line, so the handler is a few {@code putHeader} calls; Vert.x Web's {@code
 * CSPHandler}, {@code XFrameHandler} and {@code HSTSHandler} each set one such header and would
 * leave the others to a handler like this one anyway.
 */
final class SecurityHeaders implements Handler<RoutingContext> {

  static final String CONTENT_SECURITY_POLICY =
      "default-src 'self'; object-src 'none'; base-uri 'none'; form-action 'self';"
          + " frame-ancestors 'none'";

  static final String STRICT_TRANSPORT_SECURITY = "max-age=31536000";

  private final boolean tls;

  /**
   * @param tls whether the port speaks TLS, which HSTS may only be sent over
   */
  SecurityHeaders(boolean tls) {
    this.tls = tls;
  }

  @Override
  public void handle(RoutingContext ctx) {
    MultiMap headers = ctx.response().headers();
    headers
        .set("x-content-type-options", "nosniff")
        .set("content-security-policy", CONTENT_SECURITY_POLICY)
        .set("x-frame-options", "DENY")
        .set("referrer-policy", "no-referrer")
        .set("cache-control", "no-store");
    if (tls) {
      headers.set("strict-transport-security", STRICT_TRANSPORT_SECURITY);
    }
    ctx.next();
  }
}
