package io.flumesentinel.notify.webhook;

import io.vertx.core.buffer.Buffer;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.InvalidKeyException;
import java.time.Clock;
import java.util.HexFormat;
import java.util.Map;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * Signs a webhook request as Stripe and GitHub do: {@value #TIMESTAMP_HEADER} holds the Unix time
 * in seconds, and {@value #SIGNATURE_HEADER} holds {@code sha256=} and the lowercase hex
 * HMAC-SHA256, under the shared secret (UTF-8), of the timestamp, a {@code .}, and the body's exact
 * bytes. A receiver recomputes it over the raw body it read, compares in constant time, and refuses
 * a timestamp too far from its own clock (a replayed request).
 *
 * <p>Each attempt is signed again at the moment it is sent, so a retried request carries a fresh
 * timestamp over the same body.
 */
final class WebhookSigner {

  static final String TIMESTAMP_HEADER = "X-Flume-Sentinel-Timestamp";
  static final String SIGNATURE_HEADER = "X-Flume-Sentinel-Signature";
  private static final String ALGORITHM = "HmacSHA256";

  private final SecretKeySpec key;
  private final Clock clock;

  WebhookSigner(String secret, Clock clock) {
    this.key = new SecretKeySpec(secret.getBytes(StandardCharsets.UTF_8), ALGORITHM);
    this.clock = clock;
  }

  /** The two headers that sign {@code body} now. */
  Map<String, String> headers(Buffer body) {
    String timestamp = Long.toString(clock.instant().getEpochSecond());
    return Map.of(TIMESTAMP_HEADER, timestamp, SIGNATURE_HEADER, signature(timestamp, body));
  }

  /** {@code sha256=<hex>} of {@code "<timestamp>.<body>"}. */
  String signature(String timestamp, Buffer body) {
    try {
      Mac mac = Mac.getInstance(ALGORITHM);
      mac.init(key);
      mac.update(timestamp.getBytes(StandardCharsets.US_ASCII));
      mac.update((byte) '.');
      mac.update(body.getBytes());
      return "sha256=" + HexFormat.of().formatHex(mac.doFinal());
    } catch (InvalidKeyException e) {
      throw new IllegalStateException("the signing secret is not a valid HMAC key", e);
    } catch (GeneralSecurityException e) {
      // Every Java platform has HmacSHA256.
      throw new IllegalStateException("HmacSHA256 is not available", e);
    }
  }
}
