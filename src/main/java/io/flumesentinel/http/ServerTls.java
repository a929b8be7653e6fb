package io.flumesentinel.http;

import io.flumesentinel.config.ConfigException;
import io.flumesentinel.config.HttpTlsConfig;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.net.KeyCertOptions;
import io.vertx.core.net.KeyStoreOptions;
import io.vertx.core.net.PemKeyCertOptions;
import java.net.BindException;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.PrivateKey;
import java.security.Signature;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.Set;
import java.util.function.Consumer;
import javax.net.ssl.KeyManager;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.X509KeyManager;

/**
 * TLS of the HTTP server: its options, and a check of the key material that names the config key
 * when the server could not use it, before it listens.
 */
final class ServerTls {

  /** TLS 1.2 and 1.3 only: older versions have known attacks and are refused by browsers. */
  static final Set<String> PROTOCOLS = Set.of("TLSv1.2", "TLSv1.3");

  /** A certificate that ends sooner than this is worth a warning at start-up. */
  static final Duration EXPIRY_WARNING = Duration.ofDays(14);

  private ServerTls() {}

  /** {@code options} speaking TLS with {@code tls}'s key, or unchanged when TLS is off. */
  static HttpServerOptions apply(HttpServerOptions options, HttpTlsConfig tls) {
    if (!tls.enabled()) {
      return options;
    }
    return options
        .setSsl(true)
        .setKeyCertOptions(keyCertOptions(tls))
        .setEnabledSecureTransportProtocols(PROTOCOLS);
  }

  static KeyCertOptions keyCertOptions(HttpTlsConfig tls) {
    if (tls instanceof HttpTlsConfig.Pem pem) {
      return new PemKeyCertOptions()
          .setCertPath(pem.certFile().toString())
          .setKeyPath(pem.keyFile().toString());
    }
    HttpTlsConfig.KeyStore store = (HttpTlsConfig.KeyStore) tls;
    KeyStoreOptions options =
        new KeyStoreOptions()
            .setType(store.type())
            .setPath(store.file().toString())
            .setPassword(store.password());
    if (store.alias() != null) {
      options.setAlias(store.alias()).setAliasPassword(store.password());
    }
    return options;
  }

  /**
   * Loads the key material as the server will (off the event loop: it reads files), and checks that
   * the private key belongs to the certificate, which the server itself never checks: a mismatch
   * would only show as every client's handshake failing. Fails with a {@link ConfigException}
   * naming {@link HttpTlsConfig#key()}; warns of a certificate that has expired or soon will.
   */
  static Future<Void> check(Vertx vertx, HttpTlsConfig tls, Consumer<String> warnings) {
    if (!tls.enabled()) {
      return Future.succeededFuture();
    }
    return vertx.executeBlocking(
        () -> {
          KeyManagerFactory factory;
          try {
            factory = keyCertOptions(tls).getKeyManagerFactory(vertx);
          } catch (Exception e) {
            throw new ConfigException(tls.key(), "cannot be used for TLS: " + describe(e));
          }
          for (KeyManager manager : factory.getKeyManagers()) {
            if (manager instanceof X509KeyManager keys) {
              checkPairs(tls, keys, warnings);
            }
          }
          return null;
        });
  }

  private static void checkPairs(HttpTlsConfig tls, X509KeyManager keys, Consumer<String> warnings)
      throws GeneralSecurityException {
    for (String type : new String[] {"RSA", "EC", "EdDSA", "Ed25519"}) {
      String[] aliases = keys.getServerAliases(type, null);
      for (String alias : aliases == null ? new String[0] : aliases) {
        X509Certificate[] chain = keys.getCertificateChain(alias);
        PrivateKey key = keys.getPrivateKey(alias);
        if (chain == null || chain.length == 0 || key == null) {
          continue;
        }
        if (!belongs(key, chain[0])) {
          throw new ConfigException(
              tls.key(),
              "the private key does not belong to the certificate "
                  + chain[0].getSubjectX500Principal().getName()
                  + (tls instanceof HttpTlsConfig.Pem pem && !pem.oneFile()
                      ? " in http.tls.certFile"
                      : ""));
        }
        Instant notAfter = chain[0].getNotAfter().toInstant();
        Instant now = Instant.now();
        if (notAfter.isBefore(now)) {
          warnings.accept(
              tls.key() + ": the certificate expired at " + notAfter + "; clients will refuse it");
        } else if (notAfter.isBefore(now.plus(EXPIRY_WARNING))) {
          warnings.accept(tls.key() + ": the certificate expires at " + notAfter);
        }
      }
    }
  }

  /** Whether {@code key} signs what {@code certificate}'s public key verifies. */
  private static boolean belongs(PrivateKey key, X509Certificate certificate)
      throws GeneralSecurityException {
    String algorithm =
        switch (key.getAlgorithm()) {
          case "RSA" -> "SHA256withRSA";
          case "EC" -> "SHA256withECDSA";
          case "EdDSA", "Ed25519" -> "Ed25519";
          default -> null;
        };
    if (algorithm == null) {
      return true;
    }
    byte[] probe = "flume-sentinel".getBytes(StandardCharsets.US_ASCII);
    Signature signer = Signature.getInstance(algorithm);
    signer.initSign(key);
    signer.update(probe);
    byte[] signature = signer.sign();
    Signature verifier = Signature.getInstance(algorithm);
    try {
      verifier.initVerify(certificate.getPublicKey());
    } catch (java.security.InvalidKeyException e) {
      return false;
    }
    verifier.update(probe);
    return verifier.verify(signature);
  }

  /**
   * A failure to listen as the operator should read it: a TLS problem names the config key; a port
   * in use stays what it is.
   */
  static Throwable listenFailure(HttpTlsConfig tls, Throwable failure) {
    if (!tls.enabled() || failure instanceof ConfigException || isAddressProblem(failure)) {
      return failure;
    }
    return new ConfigException(tls.key(), "cannot be used for TLS: " + describe(failure));
  }

  /** A port in use, an address not this host's or not found: nothing to do with TLS. */
  private static boolean isAddressProblem(Throwable failure) {
    for (Throwable t = failure; t != null; t = t.getCause()) {
      String message = String.valueOf(t.getMessage());
      if (t instanceof BindException
          || t instanceof java.net.SocketException
          || t instanceof java.net.UnknownHostException
          || message.contains("Address already in use")
          || message.contains("Cannot assign requested address")) {
        return true;
      }
    }
    return false;
  }

  /** The innermost cause's message, on one line. */
  private static String describe(Throwable failure) {
    Throwable root = failure;
    while (root.getCause() != null && root.getCause() != root) {
      root = root.getCause();
    }
    String message =
        root.getMessage() == null ? root.getClass().getSimpleName() : root.getMessage();
    return message.strip().replaceAll("\\s*\\R\\s*", "; ");
  }
}
