package io.flumesentinel.http;

import io.flumesentinel.config.HttpAuthConfig.Role;
import io.vertx.core.Handler;
import io.vertx.ext.web.RoutingContext;
import java.util.Optional;

/**
 * Lets a request through when it carries a bearer token of the role {@link AccessPolicy} asks for,
 * and answers it otherwise, as RFC 6750 says:
 *
 * <ul>
 *   <li>401 with {@code WWW-Authenticate: Bearer realm="flume-sentinel"} without a token, and with
 *       {@code error="invalid_token"} for a token that is not configured;
 *   <li>403 with {@code error="insufficient_scope"} for a read token on a write.
 * </ul>
 *
 * Refusals are logged through the {@link RefusalLog}, never with the token.
 *
 * <p>A handler of its own rather than Vert.x Web's {@code AuthenticationHandler} family: with
 * tokens compared in one place, one route table of roles, and refusals that must carry these exact
 * headers and be logged at a bounded rate, the library's parts (an authentication provider, an
 * authorization provider, failure handlers to restore the headers and the JSON, and its
 * pass-through of CORS preflights and of {@code X-Requested-With} requests without a challenge)
 * would be more code to read than this.
 */
final class TokenAuthHandler implements Handler<RoutingContext> {

  static final String REALM = "Bearer realm=\"flume-sentinel\"";

  private final AccessPolicy policy;
  private final TokenCheck tokens;
  private final RefusalLog refusals;

  TokenAuthHandler(AccessPolicy policy, TokenCheck tokens, RefusalLog refusals) {
    this.policy = policy;
    this.tokens = tokens;
    this.refusals = refusals;
  }

  @Override
  public void handle(RoutingContext ctx) {
    String method = ctx.request().method().name();
    String path = ctx.normalizedPath();
    Optional<Role> needed = policy.needed(method, path);
    if (needed.isEmpty()) {
      ctx.next();
      return;
    }
    TokenCheck.Verdict verdict = tokens.check(ctx.request().getHeader("authorization"));
    if (verdict instanceof TokenCheck.Valid valid && valid.role().allows(needed.get())) {
      ctx.next();
      return;
    }
    String remote = Answers.remote(ctx);
    if (verdict instanceof TokenCheck.Missing) {
      refusals.refused("401 (no token)", remote, method, path);
      ctx.response().putHeader("www-authenticate", REALM);
      Answers.error(ctx, 401, "a bearer token is required");
    } else if (verdict instanceof TokenCheck.Valid valid) {
      refusals.refused("403 (" + valid.role().wire() + " token)", remote, method, path);
      ctx.response()
          .putHeader(
              "www-authenticate",
              REALM + ", error=\"insufficient_scope\", scope=\"" + needed.get().wire() + "\"");
      Answers.error(ctx, 403, "this needs a " + needed.get().wire() + " token");
    } else {
      refusals.refused("401 (unknown token)", remote, method, path);
      ctx.response().putHeader("www-authenticate", REALM + ", error=\"invalid_token\"");
      Answers.error(ctx, 401, "the bearer token is not valid");
    }
  }
}
