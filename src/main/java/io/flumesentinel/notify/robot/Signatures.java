package io.flumesentinel.notify.robot;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.util.Base64;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/** The HMAC-SHA256 signatures the vendors document, as Base64. */
final class Signatures {

  private Signatures() {}

  /** Base64 of HMAC-SHA256 of {@code data} under {@code key}, both as UTF-8. */
  static String hmacSha256Base64(String key, String data) {
    try {
      Mac mac = Mac.getInstance("HmacSHA256");
      mac.init(new SecretKeySpec(key.getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
      return Base64.getEncoder().encodeToString(mac.doFinal(data.getBytes(StandardCharsets.UTF_8)));
    } catch (GeneralSecurityException e) {
      // Every Java platform has HmacSHA256.
      throw new IllegalStateException("HmacSHA256 is not available", e);
    }
  }
}
