package io.flumesentinel.appender;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import org.apache.curator.framework.AuthInfo;
import org.apache.zookeeper.ClientCnxnSocketNetty;
import org.apache.zookeeper.client.ZKClientConfig;
import org.apache.zookeeper.common.ClientX509Util;
import org.apache.zookeeper.common.ZKConfig;

/**
 * Who discovery's ZooKeeper client is, and how it connects: digest credentials, a SASL login
 * context, TLS stores. A registry secured as docs/security.md describes lets only the monitor,
 * agent and operator identities read {@code <root>/live/<id>}, and may accept TLS clients only.
 *
 * <p>Everything goes into the appender's own client configuration ({@link ZKClientConfig}) and
 * Curator's {@code authorization}, never into JVM system properties: the application's own
 * ZooKeeper clients, if it has any, are not touched. Passwords are read from a file or an
 * environment variable when the settings are built; they are never part of a message, nor of {@link
 * #toString()}.
 *
 * @param digestUser digest credentials' user, or {@code null}
 * @param digestPassword its password (with {@code digestUser})
 * @param saslLoginContext the JAAS section to log in with, or {@code null}: ZooKeeper's defaults
 * @param keyStore the TLS client certificate, or {@code null}
 * @param trustStore the CAs the servers' certificates are checked against, or {@code null}
 */
public record ZooKeeperAccess(
    String digestUser,
    String digestPassword,
    String saslLoginContext,
    Store keyStore,
    Store trustStore) {

  /** No identity, no TLS: ZooKeeper's defaults. */
  public static final ZooKeeperAccess NONE = new ZooKeeperAccess(null, null, null, null, null);

  /**
   * A key or trust store.
   *
   * @param location the file
   * @param type {@code PKCS12}, {@code JKS} or {@code PEM}
   * @param password or {@code null}
   */
  public record Store(Path location, String type, String password) {
    @Override
    public String toString() {
      return "Store[" + location + ", " + type + (password == null ? "" : ", password set") + "]";
    }
  }

  /** Whether the client connects with TLS. */
  public boolean tls() {
    return keyStore != null || trustStore != null;
  }

  /** Curator's {@code authorization}: the digest credentials, sent again on every new session. */
  List<AuthInfo> authorization() {
    if (digestUser == null) {
      return List.of();
    }
    return List.of(
        new AuthInfo(
            "digest", (digestUser + ":" + digestPassword).getBytes(StandardCharsets.UTF_8)));
  }

  /**
   * The client configuration of discovery's client. The property names are ZooKeeper's own, as the
   * product's clients set them (zk/ZkSecurity, zk/ZkTls).
   */
  ZKClientConfig clientConfig() {
    ZKClientConfig config = new ZKClientConfig();
    // A long live list comes in one reply; 16 MiB as the monitor's clients (zk/ZkClients).
    config.setProperty(ZKConfig.JUTE_MAXBUFFER, Integer.toString(16 * 1024 * 1024));
    if (saslLoginContext != null) {
      config.setProperty(ZKClientConfig.ENABLE_CLIENT_SASL_KEY, "true");
      config.setProperty(ZKClientConfig.LOGIN_CONTEXT_NAME_KEY, saslLoginContext);
    }
    if (tls()) {
      config.setProperty(ZKClientConfig.SECURE_CLIENT, "true");
      // TLS needs the Netty socket: the default NIO one has none.
      config.setProperty(
          ZKClientConfig.ZOOKEEPER_CLIENT_CNXN_SOCKET, ClientCnxnSocketNetty.class.getName());
      try (ClientX509Util x509 = new ClientX509Util()) {
        config.setProperty(x509.getSslHostnameVerificationEnabledProperty(), "true");
        if (keyStore != null) {
          config.setProperty(x509.getSslKeystoreLocationProperty(), keyStore.location().toString());
          config.setProperty(x509.getSslKeystoreTypeProperty(), keyStore.type());
          if (keyStore.password() != null) {
            config.setProperty(x509.getSslKeystorePasswdProperty(), keyStore.password());
          }
        }
        if (trustStore != null) {
          config.setProperty(
              x509.getSslTruststoreLocationProperty(), trustStore.location().toString());
          config.setProperty(x509.getSslTruststoreTypeProperty(), trustStore.type());
          if (trustStore.password() != null) {
            config.setProperty(x509.getSslTruststorePasswdProperty(), trustStore.password());
          }
        }
      }
    }
    return config;
  }

  /** How this client logs in, for messages: names only, never a password. */
  String describe() {
    if (digestUser != null && saslLoginContext != null) {
      return "digest user " + digestUser + " and SASL login context " + saslLoginContext;
    }
    if (digestUser != null) {
      return "digest user " + digestUser;
    }
    if (saslLoginContext != null) {
      return "SASL login context " + saslLoginContext;
    }
    return "no credentials";
  }

  @Override
  public String toString() {
    return "ZooKeeperAccess["
        + describe()
        + (keyStore == null ? "" : ", keyStore " + keyStore)
        + (trustStore == null ? "" : ", trustStore " + trustStore)
        + "]";
  }

  /**
   * Reads a password from {@code file} or the environment variable {@code env} (exactly one of them
   * may be given).
   *
   * @param setting the setting's name without {@code File}/{@code Env}, for messages
   * @return the password, or {@code null} when neither is given
   * @throws IllegalArgumentException naming the setting, the file or the variable, never the value
   */
  static String password(String setting, String file, String env) {
    boolean hasFile = file != null && !file.isBlank();
    boolean hasEnv = env != null && !env.isBlank();
    if (hasFile && hasEnv) {
      throw new IllegalArgumentException(
          setting + "File and " + setting + "Env: give one of them, not both");
    }
    if (hasFile) {
      Path path = Path.of(file.trim());
      String read;
      try {
        read = Files.readString(path, StandardCharsets.UTF_8);
      } catch (IOException | RuntimeException e) {
        throw new IllegalArgumentException(
            setting + "File: cannot read " + path + " (" + e.getClass().getSimpleName() + ")");
      }
      // An editor's final line end is not part of the password.
      String password = read.replaceFirst("\r?\n\\z", "");
      if (password.isEmpty()) {
        throw new IllegalArgumentException(setting + "File: " + path + " is empty");
      }
      return password;
    }
    if (hasEnv) {
      String password = System.getenv(env.trim());
      if (password == null || password.isEmpty()) {
        throw new IllegalArgumentException(
            setting + "Env: the environment variable " + env.trim() + " is not set or empty");
      }
      return password;
    }
    return null;
  }

  /** {@code PKCS12}, {@code JKS} or {@code PEM}, from the type given or the file's extension. */
  static String storeType(String setting, String type, String location) {
    if (type != null && !type.isBlank()) {
      String upper = type.trim().toUpperCase(Locale.ROOT);
      if (!List.of("PKCS12", "JKS", "PEM").contains(upper)) {
        throw new IllegalArgumentException(setting + "Type must be PKCS12, JKS or PEM");
      }
      return upper;
    }
    String name = location.toLowerCase(Locale.ROOT);
    if (name.endsWith(".jks")) {
      return "JKS";
    }
    if (name.endsWith(".pem") || name.endsWith(".crt")) {
      return "PEM";
    }
    return "PKCS12";
  }
}
