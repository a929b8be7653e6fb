package io.flumesentinel.http;

import io.flumesentinel.config.HttpAuthConfig;
import io.flumesentinel.config.HttpAuthConfig.Role;
import io.flumesentinel.config.HttpAuthConfig.Token;
import java.security.MessageDigest;
import java.util.List;
import java.util.Locale;

/**
 * Tells who an {@code Authorization} header is: nobody, a wrong token, or a token of a role.
 *
 * <p>The presented token is hashed and its digest compared with every configured digest by {@link
 * MessageDigest#isEqual}, all of them, whichever matches: the time taken says nothing of how much
 * of a token was right, nor which token matched.
 */
final class TokenCheck {

  private static final String BEARER = "bearer ";

  /** What a header shows: no token, a wrong one, or the role of the right one. */
  sealed interface Verdict {}

  /** No {@code Authorization: Bearer} header. */
  record Missing() implements Verdict {}

  /** A bearer token that is not configured. */
  record Invalid() implements Verdict {}

  record Valid(Role role) implements Verdict {}

  private final List<Token> tokens;

  TokenCheck(HttpAuthConfig auth) {
    this.tokens = auth.tokens();
  }

  Verdict check(String authorization) {
    if (authorization == null
        || authorization.length() < BEARER.length()
        || !authorization.substring(0, BEARER.length()).toLowerCase(Locale.ROOT).equals(BEARER)) {
      return new Missing();
    }
    byte[] presented = HttpAuthConfig.digest(authorization.substring(BEARER.length()).strip());
    Role matched = null;
    for (Token token : tokens) {
      // No early exit: every digest is compared.
      if (MessageDigest.isEqual(presented, token.sha256()) && matched == null) {
        matched = token.role();
      }
    }
    return matched == null ? new Invalid() : new Valid(matched);
  }
}
