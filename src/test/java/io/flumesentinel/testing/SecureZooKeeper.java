package io.flumesentinel.testing;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;
import javax.security.auth.login.Configuration;
import org.apache.curator.test.InstanceSpec;
import org.apache.curator.test.TestingServer;
import org.apache.zookeeper.server.auth.ProviderRegistry;

/**
 * A real ZooKeeper server that requires authentication, in this JVM, and the JAAS file its SASL
 * users and their clients share: section {@code Server} with users {@code monitor}, {@code agent},
 * {@code operator} and {@code stranger} (DIGEST-MD5), one client section per user ({@code Monitor},
 * {@code Agent}, {@code Operator}, {@code Stranger}), and {@code Impostor}: the operator's name
 * with a wrong password.
 *
 * <p>ZooKeeper reads its server settings from system properties ({@code zoo.cfg} keys it does not
 * know become {@code zookeeper.<key>}), and JAAS is configured once per JVM: {@link #close()} puts
 * back what it changed, so the servers of later test classes in the same JVM are as before.
 */
public final class SecureZooKeeper implements AutoCloseable {

  public static final String JAAS_PROPERTY = "java.security.auth.login.config";

  private final TestingServer server;
  private final Path jaasFile;
  private final Map<String, String> previous;

  private SecureZooKeeper(TestingServer server, Path jaasFile, Map<String, String> previous) {
    this.server = server;
    this.jaasFile = jaasFile;
    this.previous = previous;
  }

  /**
   * Starts a server with {@code zooCfg} (zoo.cfg keys such as {@code enforce.auth.enabled}) and the
   * JAAS file written to {@code dir}, which becomes this JVM's.
   */
  public static SecureZooKeeper start(Path dir, Map<String, Object> zooCfg) throws Exception {
    Path jaas = dir.resolve("jaas.conf");
    Files.writeString(jaas, jaas());
    Map<String, String> previous = new LinkedHashMap<>();
    previous.put(JAAS_PROPERTY, System.getProperty(JAAS_PROPERTY));
    zooCfg
        .keySet()
        .forEach(key -> previous.put("zookeeper." + key, System.getProperty("zookeeper." + key)));
    System.setProperty(JAAS_PROPERTY, jaas.toString());
    refreshJaas();
    for (Map.Entry<String, Object> entry : zooCfg.entrySet()) {
      // Set before the server starts as well: the provider registry is read once per JVM.
      System.setProperty("zookeeper." + entry.getKey(), String.valueOf(entry.getValue()));
    }
    ProviderRegistry.initialize();
    InstanceSpec spec =
        new InstanceSpec(null, -1, -1, -1, true, -1, 100, 1000, new HashMap<>(zooCfg), null);
    return new SecureZooKeeper(new TestingServer(spec, true), jaas, previous);
  }

  public String connectString() {
    return server.getConnectString();
  }

  public Path jaasFile() {
    return jaasFile;
  }

  public static String password(String user) {
    return user + "-secret-" + user.length();
  }

  /**
   * The JAAS file's text: the {@code Server} section and one client section per user (see the class
   * comment).
   */
  public static String jaas() {
    StringBuilder text =
        new StringBuilder(
            "Server {\n  org.apache.zookeeper.server.auth.DigestLoginModule required");
    for (String user : new String[] {"monitor", "agent", "operator", "stranger"}) {
      text.append("\n  user_").append(user).append("=\"").append(password(user)).append('"');
    }
    text.append(";\n};\n");
    // a client that says it is the operator, with a wrong password
    text.append(
        "Impostor {\n  org.apache.zookeeper.server.auth.DigestLoginModule required\n"
            + "  username=\"operator\"\n  password=\"not-the-password\";\n};\n");
    for (String user : new String[] {"monitor", "agent", "operator", "stranger"}) {
      text.append(Character.toUpperCase(user.charAt(0)))
          .append(user.substring(1))
          .append(" {\n  org.apache.zookeeper.server.auth.DigestLoginModule required\n")
          .append("  username=\"")
          .append(user)
          .append("\"\n  password=\"")
          .append(password(user))
          .append("\";\n};\n");
    }
    return text.toString();
  }

  private static void refreshJaas() {
    try {
      Configuration.getConfiguration().refresh();
    } catch (SecurityException none) {
      // nothing loaded yet: the next login reads the property
    }
  }

  @Override
  public void close() throws Exception {
    server.close();
    previous.forEach(
        (key, value) -> {
          if (value == null) {
            System.clearProperty(key);
          } else {
            System.setProperty(key, value);
          }
        });
    refreshJaas();
  }
}
