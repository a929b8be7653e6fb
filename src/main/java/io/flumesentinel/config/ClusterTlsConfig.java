package io.flumesentinel.config;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonProperty;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.AccessDeniedException;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.Signature;
import java.security.UnrecoverableKeyException;
import java.security.cert.CertificateException;
import java.security.cert.CertificateExpiredException;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.security.spec.PKCS8EncodedKeySpec;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Collections;
import java.util.List;
import java.util.function.Function;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The certificates of the clustered event bus ({@code cluster.tls}): this member's private key and
 * certificate, and the certificates it trusts. Every member presents its certificate on every
 * event-bus connection, in both directions, and accepts only peers whose certificate the trust
 * store vouches for; a program without such a certificate exchanges nothing with the members.
 *
 * <p>The stores are written as those of {@code zookeeper.tls} are ({@code location}, {@code type},
 * {@code passwordEnv} or {@code passwordFile}), and a PEM key store may keep its private key in a
 * file of its own ({@code keyLocation}), as Kubernetes' TLS secrets do. The file names the files
 * only: they are read, and the passwords taken from the environment or from a file, by {@link
 * #load} when the monitor starts, since the config file is shared and often checked on machines
 * that do not hold the keys (the Kubernetes manifests are).
 *
 * @param keyStore this member's key and certificate
 * @param trustStore the certificates a peer's must be signed by (or be): the cluster's own CA
 */
public record ClusterTlsConfig(Store keyStore, Store trustStore) {

  /** Where these keys are in the monitor file, for the problems {@link #load} finds. */
  static final String KEY = "cluster.tls.";

  private static final Pattern PEM_BLOCK =
      Pattern.compile(
          "-----BEGIN ([A-Z0-9 ]+)-----([A-Za-z0-9+/=\\s]*)-----END \\1-----", Pattern.DOTALL);

  private static final List<String> PEM_KEYS =
      List.of("PRIVATE KEY", "RSA PRIVATE KEY", "EC PRIVATE KEY");

  /**
   * One key or trust store, as the file names it.
   *
   * @param location the file: PKCS#12, JKS, or PEM (certificates, and for a key store the private
   *     key unless {@code keyLocation} holds it)
   * @param type the store's type, by default from the file name as for {@code zookeeper.tls}
   * @param passwordEnv the name of the environment variable holding the password; {@code null}:
   *     none
   * @param passwordFile a file holding the password (its first line); {@code null}: none
   * @param keyLocation a PEM key store's private key, unencrypted, when not in {@code location};
   *     {@code null}: none
   */
  public record Store(
      Path location,
      ZkTlsConfig.StoreType type,
      String passwordEnv,
      Path passwordFile,
      Path keyLocation) {

    /**
     * A {@code keyStore} or {@code trustStore} mapping: {@code location}, {@code type}, at most one
     * of {@code passwordEnv} and {@code passwordFile} (a PKCS#12 or JKS store needs one, PEM none),
     * and for a PEM key store {@code keyLocation}.
     */
    @JsonCreator
    static Store read(
        @JsonProperty("location") String location,
        @JsonProperty("type") String type,
        @JsonProperty("passwordEnv") String passwordEnv,
        @JsonProperty("passwordFile") String passwordFile,
        @JsonProperty("keyLocation") String keyLocation) {
      Path file = path("location", location);
      if (file == null) {
        throw new ConfigException("location", "is required: the path of a file");
      }
      ZkTlsConfig.StoreType storeType = ZkTlsConfig.StoreType.read(type, file);
      String variable = envName("passwordEnv", passwordEnv);
      Path secret = path("passwordFile", passwordFile);
      if (variable != null && secret != null) {
        throw new ConfigException("passwordEnv", "give passwordEnv or passwordFile, not both");
      }
      boolean pem = storeType == ZkTlsConfig.StoreType.PEM;
      if (pem && (variable != null || secret != null)) {
        throw new ConfigException(
            variable != null ? "passwordEnv" : "passwordFile",
            "a PEM store takes no password: its key must be unencrypted");
      }
      if (!pem && variable == null && secret == null) {
        throw new ConfigException(
            "passwordEnv",
            "the password that opens the "
                + storeType
                + " store is required: passwordEnv (the name of an environment variable) or"
                + " passwordFile");
      }
      Path key = path("keyLocation", keyLocation);
      if (key != null && !pem) {
        throw new ConfigException("keyLocation", "is only for a PEM store");
      }
      return new Store(file, storeType, variable, secret, key);
    }
  }

  /** A store's content as read from its files, for the event bus to use as it is. */
  public record Material(
      ZkTlsConfig.StoreType format, byte[] data, byte[] pemKey, String password) {

    @Override
    public String toString() {
      return "Material[format=" + format + ", " + data.length + " bytes]";
    }
  }

  /** What {@link #load} read: this member's key and certificate, and what it trusts. */
  public record Loaded(Material identity, Material trust) {}

  /** The {@code cluster.tls} mapping: {@code keyStore} and {@code trustStore}, both required. */
  @JsonCreator
  static ClusterTlsConfig read(
      @JsonProperty("keyStore") Store keyStore, @JsonProperty("trustStore") Store trustStore) {
    if (keyStore == null) {
      throw new ConfigException(
          "keyStore", "is required: this member's private key and certificate");
    }
    if (trustStore == null) {
      // Never the JVM's default trust store: every public CA's customers would be members.
      throw new ConfigException(
          "trustStore",
          "is required: the certificates members trust (the cluster's own CA, or every member's"
              + " certificate)");
    }
    if (trustStore.keyLocation() != null) {
      throw new ConfigException("trustStore.keyLocation", "a trust store holds no private key");
    }
    return new ClusterTlsConfig(keyStore, trustStore);
  }

  /**
   * Reads the files and the passwords, and checks that they can serve: the key store opens with its
   * password and holds a private key with an unexpired certificate, a PEM key belongs to its
   * certificate, and the trust store holds at least one certificate. Blocks on the files.
   *
   * @param environment the value of an environment variable by name, {@code null} if unset
   * @throws ConfigException naming the {@code cluster.tls} key at fault; never with a password or a
   *     key in its message
   */
  public Loaded load(Function<String, String> environment) {
    return new Loaded(
        material("keyStore.", keyStore, true, environment),
        material("trustStore.", trustStore, false, environment));
  }

  private static Material material(
      String prefix, Store store, boolean identity, Function<String, String> environment) {
    String key = KEY + prefix;
    byte[] data = read(key + "location", store.location());
    if (store.type() != ZkTlsConfig.StoreType.PEM) {
      String password = password(key, store, environment);
      keyStore(key + "location", store.type(), data, password, identity);
      return new Material(store.type(), data, null, password);
    }
    List<X509Certificate> certificates = pemCertificates(key + "location", data);
    if (!identity) {
      return new Material(store.type(), data, null, null);
    }
    checkValidity(key + "location", certificates.get(0));
    String keyKey = key + (store.keyLocation() == null ? "location" : "keyLocation");
    byte[] pemKey = store.keyLocation() == null ? data : read(keyKey, store.keyLocation());
    PrivateKey parsed = pemKey(keyKey, pemKey, store.keyLocation() == null);
    if (parsed != null && !belongTogether(parsed, certificates.get(0))) {
      throw new ConfigException(
          keyKey, "is not the private key of the certificate in " + prefix + "location");
    }
    return new Material(store.type(), data, pemKey, null);
  }

  private static Path path(String key, String value) {
    if (value == null || value.isBlank()) {
      return null;
    }
    try {
      return Path.of(value.strip());
    } catch (InvalidPathException e) {
      throw new ConfigException(key, ConfigChecks.quote(value) + " is not a file path");
    }
  }

  private static String envName(String key, String value) {
    if (value == null || value.isBlank()) {
      return null;
    }
    String name = value.strip();
    if (!ReceiverChecks.ENV_NAME.matcher(name).matches()) {
      throw new ConfigException(
          key, "must be the name of an environment variable (like CLUSTER_TLS_PASSWORD)");
    }
    return name;
  }

  private static String password(String key, Store store, Function<String, String> environment) {
    if (store.passwordEnv() != null) {
      // Taken as it is: unlike a token, a password may begin or end with a blank.
      String password =
          ReceiverChecks.environmentValue(key + "passwordEnv", store.passwordEnv(), environment);
      if (password.isEmpty()) {
        throw new ConfigException(
            key + "passwordEnv", "the environment variable " + store.passwordEnv() + " is empty");
      }
      return password;
    }
    String text =
        new String(read(key + "passwordFile", store.passwordFile()), StandardCharsets.UTF_8);
    // The first line, as zookeeper.tls reads it: a file written by hand or mounted by Kubernetes.
    String password = text.lines().findFirst().orElse("");
    if (password.isEmpty()) {
      throw new ConfigException(key + "passwordFile", "the file is empty");
    }
    return password;
  }

  private static byte[] read(String key, Path file) {
    if (Files.isDirectory(file)) {
      throw new ConfigException(key, ConfigChecks.quote(file.toString()) + " is a directory");
    }
    try {
      return Files.readAllBytes(file);
    } catch (NoSuchFileException e) {
      throw new ConfigException(key, ConfigChecks.quote(file.toString()) + " not found");
    } catch (AccessDeniedException e) {
      throw new ConfigException(
          key, "cannot read " + ConfigChecks.quote(file.toString()) + ": permission denied");
    } catch (IOException e) {
      throw new ConfigException(
          key, "cannot read " + ConfigChecks.quote(file.toString()) + ": " + e);
    }
  }

  private static void keyStore(
      String key, ZkTlsConfig.StoreType type, byte[] data, String password, boolean identity) {
    KeyStore store;
    try {
      store = KeyStore.getInstance(type.name());
      store.load(new ByteArrayInputStream(data), password.toCharArray());
    } catch (IOException e) {
      if (e.getCause() instanceof UnrecoverableKeyException) {
        throw new ConfigException(key, "the password does not open it");
      }
      throw new ConfigException(key, "is not a " + type + " store");
    } catch (GeneralSecurityException e) {
      throw new ConfigException(key, "cannot be read as a " + type + " store: " + e.getMessage());
    }
    try {
      List<String> keys = new ArrayList<>();
      int certificates = 0;
      for (String alias : Collections.list(store.aliases())) {
        if (store.isKeyEntry(alias)) {
          keys.add(alias);
        }
        if (store.getCertificate(alias) != null) {
          certificates++;
        }
      }
      if (identity) {
        if (keys.isEmpty()) {
          throw new ConfigException(key, "holds no private key");
        }
        for (String alias : keys) {
          try {
            store.getKey(alias, password.toCharArray());
          } catch (UnrecoverableKeyException e) {
            // The event bus opens the key with the store's password.
            throw new ConfigException(
                key,
                "the key " + ConfigChecks.quote(alias) + " has a password other than the store's");
          }
          if (store.getCertificate(alias) instanceof X509Certificate certificate) {
            checkValidity(key, certificate);
          }
        }
      } else if (certificates == 0) {
        throw new ConfigException(key, "holds no certificate");
      }
    } catch (GeneralSecurityException e) {
      throw new ConfigException(key, "cannot be read as a " + type + " store: " + e.getMessage());
    }
  }

  /** The certificates of a PEM file, which may hold other blocks (a private key) too. */
  private static List<X509Certificate> pemCertificates(String key, byte[] data) {
    List<X509Certificate> certificates = new ArrayList<>();
    Matcher block = PEM_BLOCK.matcher(new String(data, StandardCharsets.US_ASCII));
    try {
      CertificateFactory factory = CertificateFactory.getInstance("X.509");
      while (block.find()) {
        if (block.group(1).equals("CERTIFICATE")) {
          byte[] der = Base64.getMimeDecoder().decode(block.group(2));
          certificates.add(
              (X509Certificate) factory.generateCertificate(new ByteArrayInputStream(der)));
        }
      }
    } catch (CertificateException | IllegalArgumentException e) {
      throw new ConfigException(key, "holds a certificate that cannot be read: " + e.getMessage());
    }
    if (certificates.isEmpty()) {
      throw new ConfigException(key, "holds no PEM certificate (BEGIN CERTIFICATE)");
    }
    return certificates;
  }

  /**
   * The key of a PKCS#8 PEM file, for the check that it belongs to the certificate; {@code null}
   * for a PKCS#1 or SEC1 key, which the event bus reads but the JDK does not.
   */
  private static PrivateKey pemKey(String key, byte[] data, boolean withCertificates) {
    Matcher block = PEM_BLOCK.matcher(new String(data, StandardCharsets.US_ASCII));
    while (block.find()) {
      String type = block.group(1);
      if (type.equals("ENCRYPTED PRIVATE KEY")) {
        throw new ConfigException(
            key,
            "encrypted keys are not supported: decrypt it (openssl pkey) and protect the file, or"
                + " use a PKCS12 store");
      }
      if (!PEM_KEYS.contains(type)) {
        continue;
      }
      if (!type.equals("PRIVATE KEY")) {
        return null;
      }
      byte[] der;
      try {
        der = Base64.getMimeDecoder().decode(block.group(2));
      } catch (IllegalArgumentException e) {
        throw new ConfigException(key, "the private key is not valid base64");
      }
      // The event bus reads RSA and EC keys.
      for (String algorithm : List.of("RSA", "EC")) {
        try {
          return KeyFactory.getInstance(algorithm).generatePrivate(new PKCS8EncodedKeySpec(der));
        } catch (GeneralSecurityException e) {
          // not this algorithm; try the next
        }
      }
      throw new ConfigException(key, "the private key cannot be read (RSA or EC)");
    }
    throw new ConfigException(
        key,
        "holds no PEM private key (BEGIN PRIVATE KEY or BEGIN RSA PRIVATE KEY)"
            + (withCertificates ? "; give it in keyLocation" : ""));
  }

  /** Whether {@code key} signs what {@code certificate}'s public key verifies. */
  private static boolean belongTogether(PrivateKey key, X509Certificate certificate) {
    String algorithm =
        switch (key.getAlgorithm()) {
          case "RSA" -> "SHA256withRSA";
          case "EC" -> "SHA256withECDSA";
          default -> key.getAlgorithm();
        };
    try {
      byte[] probe = "flume-sentinel".getBytes(StandardCharsets.US_ASCII);
      Signature signer = Signature.getInstance(algorithm);
      signer.initSign(key);
      signer.update(probe);
      byte[] signature = signer.sign();
      Signature verifier = Signature.getInstance(algorithm);
      verifier.initVerify(certificate.getPublicKey());
      verifier.update(probe);
      return verifier.verify(signature);
    } catch (GeneralSecurityException e) {
      return false;
    }
  }

  /**
   * Every peer would refuse an expired certificate; say so at start-up rather than per connection.
   */
  private static void checkValidity(String key, X509Certificate certificate) {
    try {
      certificate.checkValidity();
    } catch (CertificateExpiredException e) {
      throw new ConfigException(
          key,
          "the certificate of "
              + ConfigChecks.quote(certificate.getSubjectX500Principal().getName())
              + " expired on "
              + certificate.getNotAfter().toInstant());
    } catch (CertificateException e) {
      // not yet valid: a clock a little behind the CA's; peers judge it with their own clocks
    }
  }
}
