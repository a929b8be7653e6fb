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
import java.security.cert.Certificate;
import java.security.cert.CertificateException;
import java.security.cert.CertificateExpiredException;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.security.spec.PKCS8EncodedKeySpec;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Collection;
import java.util.Collections;
import java.util.List;
import java.util.function.Function;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The certificates of the clustered event bus ({@code cluster.tls}): this member's private key and
 * certificate, and the certificates it trusts. Every member presents its certificate on every
 * event-bus connection, in both directions, and accepts only peers whose certificate the trust
 * material vouches for; a program without such a certificate exchanges nothing with the members.
 *
 * <p>The file names the files only. They are read, and the passwords taken from the environment or
 * from a file, by {@link #load}, when the monitor starts: the config file is shared, and is often
 * checked on machines that do not hold the keys (the Kubernetes manifests are).
 *
 * @param keyStore this member's key and certificate, PKCS#12 or JKS; or {@code certPem} and {@code
 *     keyPem}
 * @param keyStorePasswordEnv the name of the environment variable holding {@code keyStore}'s
 *     password; or {@code keyStorePasswordFile}
 * @param keyStorePasswordFile a file holding {@code keyStore}'s password (one line)
 * @param certPem this member's certificate, PEM, followed by its chain if any
 * @param keyPem this member's private key, unencrypted PEM (PKCS#8 or PKCS#1)
 * @param trustStore the certificates this member trusts, PKCS#12 or JKS; or {@code trustPem}
 * @param trustStorePasswordEnv the name of the variable holding {@code trustStore}'s password
 * @param trustStorePasswordFile a file holding {@code trustStore}'s password
 * @param trustPem the certificates this member trusts, PEM
 */
public record ClusterTlsConfig(
    Path keyStore,
    String keyStorePasswordEnv,
    Path keyStorePasswordFile,
    Path certPem,
    Path keyPem,
    Path trustStore,
    String trustStorePasswordEnv,
    Path trustStorePasswordFile,
    Path trustPem) {

  /** Where these keys are in the monitor file, for the problems {@link #load} finds. */
  static final String KEY = "cluster.tls.";

  private static final Pattern PEM_BLOCK =
      Pattern.compile(
          "-----BEGIN ([A-Z0-9 ]+)-----([A-Za-z0-9+/=\\s]*)-----END \\1-----", Pattern.DOTALL);

  private static final List<String> PEM_KEYS =
      List.of("PRIVATE KEY", "RSA PRIVATE KEY", "EC PRIVATE KEY");

  /** How a set of certificates (and maybe a key) is stored. */
  public enum Format {
    PKCS12,
    JKS,
    PEM
  }

  /**
   * Key or trust material as read from its files, for the event bus to use as it is.
   *
   * @param data the key store; for {@link Format#PEM}, the certificates
   * @param pemKey for {@link Format#PEM} identities, the private key; otherwise {@code null}
   * @param password the key store's password (also the key's); {@code null} for PEM. Left out of
   *     {@link #toString()}.
   */
  public record Material(Format format, byte[] data, byte[] pemKey, String password) {

    @Override
    public String toString() {
      return "Material[format=" + format + ", " + data.length + " bytes]";
    }
  }

  /** What {@link #load} read: this member's key and certificate, and what it trusts. */
  public record Loaded(Material identity, Material trust) {}

  /**
   * The {@code cluster.tls} mapping: {@code keyStore} with {@code keyStorePasswordEnv} or {@code
   * keyStorePasswordFile}, or {@code certPem} with {@code keyPem}; and {@code trustStore} with
   * {@code trustStorePasswordEnv} or {@code trustStorePasswordFile}, or {@code trustPem}.
   */
  @JsonCreator
  static ClusterTlsConfig read(
      @JsonProperty("keyStore") String keyStore,
      @JsonProperty("keyStorePasswordEnv") String keyStorePasswordEnv,
      @JsonProperty("keyStorePasswordFile") String keyStorePasswordFile,
      @JsonProperty("certPem") String certPem,
      @JsonProperty("keyPem") String keyPem,
      @JsonProperty("trustStore") String trustStore,
      @JsonProperty("trustStorePasswordEnv") String trustStorePasswordEnv,
      @JsonProperty("trustStorePasswordFile") String trustStorePasswordFile,
      @JsonProperty("trustPem") String trustPem) {
    Path identityStore = path("keyStore", keyStore);
    Path cert = path("certPem", certPem);
    Path key = path("keyPem", keyPem);
    if (identityStore == null && cert == null && key == null) {
      throw new ConfigException(
          "keyStore",
          "this member's key and certificate are required: keyStore, or certPem and keyPem");
    }
    if (identityStore != null && (cert != null || key != null)) {
      throw new ConfigException(
          cert != null ? "certPem" : "keyPem",
          "give either keyStore or certPem and keyPem, not both");
    }
    if (identityStore == null && (cert == null || key == null)) {
      throw new ConfigException(
          cert == null ? "certPem" : "keyPem",
          "is required with " + (cert == null ? "keyPem" : "certPem"));
    }
    String storePasswordEnv = envName("keyStorePasswordEnv", keyStorePasswordEnv);
    Path storePasswordFile = path("keyStorePasswordFile", keyStorePasswordFile);
    passwordSource("keyStore", identityStore, storePasswordEnv, storePasswordFile);

    Path trusted = path("trustStore", trustStore);
    Path trustedPem = path("trustPem", trustPem);
    if (trusted == null && trustedPem == null) {
      // Never the JVM's default trust store: every public CA's customers would be members.
      throw new ConfigException(
          "trustStore",
          "the certificates members trust are required: trustStore, or trustPem (the cluster's own"
              + " CA, or every member's certificate)");
    }
    if (trusted != null && trustedPem != null) {
      throw new ConfigException("trustPem", "give either trustStore or trustPem, not both");
    }
    String trustPasswordEnv = envName("trustStorePasswordEnv", trustStorePasswordEnv);
    Path trustPasswordFile = path("trustStorePasswordFile", trustStorePasswordFile);
    passwordSource("trustStore", trusted, trustPasswordEnv, trustPasswordFile);
    return new ClusterTlsConfig(
        identityStore,
        storePasswordEnv,
        storePasswordFile,
        cert,
        key,
        trusted,
        trustPasswordEnv,
        trustPasswordFile,
        trustedPem);
  }

  /**
   * Reads the files and the passwords, and checks that they can serve: the key store opens with its
   * password and holds a private key with an unexpired certificate, a PEM key belongs to its
   * certificate, and the trust material holds at least one certificate. Blocks on the files.
   *
   * @param environment the value of an environment variable by name, {@code null} if unset
   * @throws ConfigException naming the {@code cluster.tls} key at fault; never with a password or a
   *     key in its message
   */
  public Loaded load(Function<String, String> environment) {
    Material identity;
    if (keyStore != null) {
      String password =
          password("keyStore", keyStorePasswordEnv, keyStorePasswordFile, environment);
      identity = keyStore("keyStore", keyStore, password, true);
    } else {
      byte[] certificates = read("certPem", certPem);
      byte[] key = read("keyPem", keyPem);
      List<X509Certificate> chain = pemCertificates("certPem", certificates);
      checkValidity("certPem", chain.get(0));
      PrivateKey parsed = pemKey(key);
      if (parsed != null && !belongTogether(parsed, chain.get(0))) {
        throw new ConfigException(
            KEY + "keyPem", "is not the private key of the certificate in certPem");
      }
      identity = new Material(Format.PEM, certificates, key, null);
    }
    Material trust;
    if (trustStore != null) {
      String password =
          password("trustStore", trustStorePasswordEnv, trustStorePasswordFile, environment);
      trust = keyStore("trustStore", trustStore, password, false);
    } else {
      byte[] certificates = read("trustPem", trustPem);
      pemCertificates("trustPem", certificates);
      trust = new Material(Format.PEM, certificates, null, null);
    }
    return new Loaded(identity, trust);
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

  /** A key store needs exactly one source of its password; PEM files need none. */
  private static void passwordSource(String store, Path path, String env, Path file) {
    if (path == null) {
      if (env != null || file != null) {
        throw new ConfigException(
            store + (env != null ? "PasswordEnv" : "PasswordFile"), "is only used with " + store);
      }
      return;
    }
    if (env == null && file == null) {
      throw new ConfigException(
          store + "PasswordEnv",
          "the password that opens "
              + store
              + " is required: "
              + store
              + "PasswordEnv (the name of an environment variable) or "
              + store
              + "PasswordFile");
    }
    if (env != null && file != null) {
      throw new ConfigException(
          store + "PasswordFile",
          "give either " + store + "PasswordEnv or " + store + "PasswordFile, not both");
    }
  }

  private static String password(
      String store, String env, Path file, Function<String, String> environment) {
    if (env != null) {
      // Taken as it is: unlike a token, a password may begin or end with a blank.
      String password =
          ReceiverChecks.environmentValue(KEY + store + "PasswordEnv", env, environment);
      if (password.isEmpty()) {
        throw new ConfigException(
            KEY + store + "PasswordEnv", "the environment variable " + env + " is empty");
      }
      return password;
    }
    String text = new String(read(store + "PasswordFile", file), StandardCharsets.UTF_8);
    // A password file is written with an editor or echo: its line break is not the password's.
    String password = text.replaceAll("\\R+$", "");
    if (password.isEmpty()) {
      throw new ConfigException(KEY + store + "PasswordFile", "the file is empty");
    }
    return password;
  }

  private static byte[] read(String key, Path file) {
    if (Files.isDirectory(file)) {
      throw new ConfigException(KEY + key, ConfigChecks.quote(file.toString()) + " is a directory");
    }
    try {
      return Files.readAllBytes(file);
    } catch (NoSuchFileException e) {
      throw new ConfigException(KEY + key, ConfigChecks.quote(file.toString()) + " not found");
    } catch (AccessDeniedException e) {
      throw new ConfigException(
          KEY + key, "cannot read " + ConfigChecks.quote(file.toString()) + ": permission denied");
    } catch (IOException e) {
      throw new ConfigException(
          KEY + key, "cannot read " + ConfigChecks.quote(file.toString()) + ": " + e);
    }
  }

  private static Material keyStore(String key, Path file, String password, boolean identity) {
    byte[] data = read(key, file);
    // JKS begins with the magic number FEEDFEED; anything else is taken for PKCS#12.
    Format format =
        data.length >= 4
                && (data[0] & 0xff) == 0xfe
                && (data[1] & 0xff) == 0xed
                && (data[2] & 0xff) == 0xfe
                && (data[3] & 0xff) == 0xed
            ? Format.JKS
            : Format.PKCS12;
    KeyStore store;
    try {
      store = KeyStore.getInstance(format.name());
      store.load(new ByteArrayInputStream(data), password.toCharArray());
    } catch (IOException e) {
      if (e.getCause() instanceof UnrecoverableKeyException) {
        throw new ConfigException(KEY + key, "the password does not open it");
      }
      throw new ConfigException(KEY + key, "is not a PKCS#12 or JKS key store");
    } catch (GeneralSecurityException e) {
      throw new ConfigException(KEY + key, "cannot be read as a key store: " + e.getMessage());
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
          throw new ConfigException(KEY + key, "holds no private key");
        }
        for (String alias : keys) {
          try {
            store.getKey(alias, password.toCharArray());
          } catch (UnrecoverableKeyException e) {
            // The event bus opens the key with the store's password.
            throw new ConfigException(
                KEY + key,
                "the key " + ConfigChecks.quote(alias) + " has a password other than the store's");
          }
          if (store.getCertificate(alias) instanceof X509Certificate certificate) {
            checkValidity(key, certificate);
          }
        }
      } else if (certificates == 0) {
        throw new ConfigException(KEY + key, "holds no certificate");
      }
    } catch (GeneralSecurityException e) {
      throw new ConfigException(KEY + key, "cannot be read as a key store: " + e.getMessage());
    }
    return new Material(format, data, null, password);
  }

  private static List<X509Certificate> pemCertificates(String key, byte[] data) {
    Collection<? extends Certificate> parsed;
    try {
      parsed =
          CertificateFactory.getInstance("X.509")
              .generateCertificates(new ByteArrayInputStream(data));
    } catch (CertificateException e) {
      throw new ConfigException(KEY + key, "is not PEM certificates: " + e.getMessage());
    }
    List<X509Certificate> certificates = new ArrayList<>();
    parsed.forEach(c -> certificates.add((X509Certificate) c));
    if (certificates.isEmpty()) {
      throw new ConfigException(KEY + key, "holds no certificate");
    }
    return certificates;
  }

  /**
   * The key of a PKCS#8 PEM file, for the check that it belongs to the certificate; {@code null}
   * for a PKCS#1 or SEC1 key, which the event bus reads but the JDK does not.
   */
  private static PrivateKey pemKey(byte[] data) {
    Matcher block = PEM_BLOCK.matcher(new String(data, StandardCharsets.US_ASCII));
    while (block.find()) {
      String type = block.group(1);
      if (type.equals("ENCRYPTED PRIVATE KEY")) {
        throw new ConfigException(
            KEY + "keyPem",
            "encrypted keys are not supported: decrypt it (openssl pkey) and protect the file, or"
                + " use keyStore");
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
        throw new ConfigException(KEY + "keyPem", "the private key is not valid base64");
      }
      for (String algorithm : List.of("RSA", "EC", "Ed25519", "EdDSA")) {
        try {
          return KeyFactory.getInstance(algorithm).generatePrivate(new PKCS8EncodedKeySpec(der));
        } catch (GeneralSecurityException e) {
          // not this algorithm; try the next
        }
      }
      throw new ConfigException(
          KEY + "keyPem", "the private key cannot be read (RSA, EC or Ed25519)");
    }
    throw new ConfigException(
        KEY + "keyPem", "holds no PEM private key (BEGIN PRIVATE KEY or BEGIN RSA PRIVATE KEY)");
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
          KEY + key,
          "the certificate of "
              + ConfigChecks.quote(certificate.getSubjectX500Principal().getName())
              + " expired on "
              + certificate.getNotAfter().toInstant());
    } catch (CertificateException e) {
      // not yet valid: a clock a little behind the CA's; peers judge it with their own clocks
    }
  }
}
