package io.flumesentinel.config;

import com.fasterxml.jackson.annotation.JacksonInject;
import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.annotation.OptBoolean;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.AccessDeniedException;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.UnrecoverableKeyException;
import java.util.Locale;
import java.util.function.Function;
import org.apache.zookeeper.common.X509Util;

/**
 * TLS between a ZooKeeper client of this product and the ensemble's secure client port ({@code
 * secureClientPort}): the {@code zookeeper.tls} section of the monitor's file, of the supervisor's
 * file, and the file {@code --zk-tls-config} names for the other commands.
 *
 * <p>The stores are loaded once here, so that a missing file, a wrong type or a wrong password is
 * one line naming its key at start-up rather than a handshake that fails again and again later.
 * Passwords come from an environment variable or a file, never from the config itself, and are in
 * no message and no {@link #toString()}.
 *
 * @param keyStore this client's key and certificate, shown to a server that asks for one (a
 *     ZooKeeper server asks by default: {@code ssl.clientAuth=need}); {@code null}: none
 * @param trustStore the certificates that may sign the server's; {@code null}: the JVM's default
 *     trust store
 * @param hostnameVerification whether the server's certificate must name the host connected to
 */
public record ZkTlsConfig(Store keyStore, Store trustStore, boolean hostnameVerification) {

  /** The store types ZooKeeper's X509Util reads. */
  public enum StoreType {
    PKCS12,
    JKS,
    PEM;

    /**
     * The type a file name says ({@code .p12}, {@code .pfx}, {@code .jks}, {@code .pem}), or null.
     */
    static StoreType ofFileName(Path file) {
      String name = file.getFileName() == null ? "" : file.getFileName().toString();
      String lower = name.toLowerCase(Locale.ROOT);
      if (lower.endsWith(".p12") || lower.endsWith(".pfx")) {
        return PKCS12;
      }
      if (lower.endsWith(".jks")) {
        return JKS;
      }
      if (lower.endsWith(".pem") || lower.endsWith(".crt")) {
        return PEM;
      }
      return null;
    }

    /**
     * The type written under {@code type}, or, when none is, the one the file name says; each store
     * section of the configuration (ZooKeeper, HTTP, the event bus) reads it here.
     */
    static StoreType read(String written, Path file) {
      if (written == null || written.isBlank()) {
        StoreType inferred = ofFileName(file);
        if (inferred == null) {
          throw new ConfigException(
              "type",
              "is required: the file name "
                  + ConfigChecks.quote(String.valueOf(file.getFileName()))
                  + " does not say PKCS12 (.p12), JKS (.jks) or PEM (.pem)");
        }
        return inferred;
      }
      try {
        return valueOf(written.strip().toUpperCase(Locale.ROOT).replace("PKCS#12", "PKCS12"));
      } catch (IllegalArgumentException e) {
        throw new ConfigException(
            "type", "must be PKCS12, JKS or PEM, got " + ConfigChecks.quote(written));
      }
    }
  }

  /**
   * One key or trust store.
   *
   * @param location the file; a PEM key store holds the private key and its certificate chain, a
   *     PEM trust store one or more certificates
   * @param passwordSource where the password came from ({@code env FOO}, {@code file /run/x}), or
   *     empty when there is none
   * @param password {@code null} when none is given (an unencrypted PEM file). Left out of {@link
   *     #toString()}.
   */
  public record Store(Path location, StoreType type, String passwordSource, String password) {

    @Override
    public String toString() {
      return "Store[location="
          + location
          + ", type="
          + type
          + ", password="
          + (password == null ? "none" : "(from " + passwordSource + ")")
          + "]";
    }

    /**
     * A {@code keyStore} or {@code trustStore} mapping: {@code location}, {@code type} (by default
     * from the file's extension) and at most one of {@code passwordEnv} (the NAME of an environment
     * variable) and {@code passwordFile} (a file holding only the password).
     */
    @JsonCreator
    static Store read(
        @JsonProperty("location") String location,
        @JsonProperty("type") String type,
        @JsonProperty("passwordEnv") String passwordEnv,
        @JsonProperty("passwordFile") String passwordFile,
        @JacksonInject(value = YamlBinding.ENVIRONMENT, useInput = OptBoolean.FALSE)
            Function<String, String> environment) {
      Path file = readableFile("location", location);
      StoreType storeType = StoreType.read(type, file);
      String variable = ReceiverChecks.stripped(passwordEnv);
      String path = ReceiverChecks.stripped(passwordFile);
      if (!variable.isEmpty() && !path.isEmpty()) {
        throw new ConfigException("passwordEnv", "give passwordEnv or passwordFile, not both");
      }
      if (!variable.isEmpty()) {
        return new Store(
            file,
            storeType,
            "environment variable " + variable,
            ReceiverChecks.environmentValue("passwordEnv", variable, environment));
      }
      if (!path.isEmpty()) {
        Path secret = readableFile("passwordFile", path);
        return new Store(file, storeType, "file " + secret, passwordIn("passwordFile", secret));
      }
      return new Store(file, storeType, "", null);
    }

    /**
     * Loads the store, as the ZooKeeper client will; fails naming {@code key}, never the password.
     */
    void check(String key, boolean trust) {
      try {
        String password = this.password == null ? "" : this.password;
        KeyStore store =
            trust
                ? X509Util.loadTrustStore(location.toString(), password, type.name())
                : X509Util.loadKeyStore(location.toString(), password, type.name());
        if (store.size() == 0) {
          throw new ConfigException(key, location + " holds no " + (trust ? "certificate" : "key"));
        }
      } catch (IOException | GeneralSecurityException | RuntimeException e) {
        if (e instanceof ConfigException config) {
          throw config;
        }
        throw new ConfigException(key, location + " cannot be loaded as " + type + ": " + why(e));
      }
    }

    private String why(Exception e) {
      for (Throwable cause = e; cause != null; cause = cause.getCause()) {
        if (cause instanceof UnrecoverableKeyException
            || String.valueOf(cause.getMessage()).toLowerCase(Locale.ROOT).contains("password")) {
          return password == null
              ? "it needs a password (passwordEnv or passwordFile)"
              : "wrong password (the one from the " + passwordSource + ")";
        }
      }
      String message = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
      // Messages of the JDK's and ZooKeeper's loaders name the file and the problem only; they
      // are still cut to one short line.
      String line = message.lines().findFirst().orElse("");
      return line.length() > 200 ? line.substring(0, 200) + "..." : line;
    }
  }

  /**
   * The {@code tls} mapping: {@code keyStore}, {@code trustStore} and {@code hostnameVerification}
   * (true unless set to false). Both stores are loaded here, with their passwords.
   */
  @JsonCreator
  static ZkTlsConfig read(
      @JsonProperty("keyStore") Store keyStore,
      @JsonProperty("trustStore") Store trustStore,
      @JsonProperty("hostnameVerification") Boolean hostnameVerification) {
    if (keyStore != null) {
      keyStore.check("keyStore", false);
    }
    if (trustStore != null) {
      trustStore.check("trustStore", true);
    }
    return new ZkTlsConfig(
        keyStore, trustStore, hostnameVerification == null || hostnameVerification);
  }

  private static Path readableFile(String key, String value) {
    String given = ReceiverChecks.stripped(value);
    if (given.isEmpty()) {
      throw new ConfigException(key, "is required: the path of a file");
    }
    Path file;
    try {
      file = Path.of(given);
    } catch (InvalidPathException e) {
      throw new ConfigException(
          key, ConfigChecks.quote(given) + " is not a valid path: " + e.getReason());
    }
    if (Files.isDirectory(file)) {
      throw new ConfigException(key, file + " is a directory, not a file");
    }
    if (!Files.isRegularFile(file)) {
      throw new ConfigException(key, file + " does not exist");
    }
    if (!Files.isReadable(file)) {
      throw new ConfigException(key, file + " cannot be read: permission denied");
    }
    return file;
  }

  /** The first line of {@code file}, as secret files written by hand or by Kubernetes hold it. */
  private static String passwordIn(String key, Path file) {
    try {
      String text = Files.readString(file, StandardCharsets.UTF_8);
      String password = text.lines().findFirst().orElse("");
      if (password.isEmpty()) {
        throw new ConfigException(key, file + " is empty");
      }
      return password;
    } catch (NoSuchFileException e) {
      throw new ConfigException(key, file + " does not exist");
    } catch (AccessDeniedException e) {
      throw new ConfigException(key, file + " cannot be read: permission denied");
    } catch (IOException e) {
      throw new ConfigException(key, file + " cannot be read as UTF-8 text");
    }
  }
}
