package io.flumesentinel.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The {@code cluster} key and {@code --cluster}: off by default, a boolean or a mapping; on, it
 * needs {@code tls} or an explicit {@code insecure: true}.
 */
class ClusterConfigTest {

  private static final String TLS =
      "tls: { keyStore: /etc/fs/member.p12, keyStorePasswordEnv: CLUSTER_TLS_PASSWORD,"
          + " trustPem: /etc/fs/ca.pem }";

  private static final ClusterTlsConfig TLS_CONFIG =
      new ClusterTlsConfig(
          Path.of("/etc/fs/member.p12"),
          "CLUSTER_TLS_PASSWORD",
          null,
          null,
          null,
          null,
          null,
          null,
          Path.of("/etc/fs/ca.pem"));

  @Test
  void offByDefault() {
    MonitorConfig config = ConfigLoader.parse("zookeeper: { connect: \"zk:2181\" }\n", "t.yaml");
    assertThat(config.cluster().enabled()).isFalse();
    assertThat(MonitorConfig.defaults().cluster().enabled()).isFalse();
  }

  @Test
  void aMappingSetsPathHostPortAndTls() {
    MonitorConfig config =
        ConfigLoader.parse(
            "cluster: { zookeeperPath: /ha/bus, host: 10.0.0.7, port: 15701, " + TLS + " }\n",
            "t.yaml");
    assertThat(config.cluster())
        .isEqualTo(new ClusterConfig(true, "/ha/bus", "10.0.0.7", 15701, TLS_CONFIG, false));
    assertThat(config.cluster().zookeeperPath("/flume-sentinel")).isEqualTo("/ha/bus");
    assertThat(
            ConfigLoader.parse("cluster: { " + TLS + " }\n", "t.yaml")
                .cluster()
                .zookeeperPath("/flume-sentinel"))
        .isEqualTo("/flume-sentinel/vertx");
  }

  @Test
  void withoutTlsTheClusterNeedsInsecureSaidOutright() {
    String needsTls = "the clustered event bus needs TLS: set cluster.tls";
    assertThatThrownBy(() -> ConfigLoader.parse("cluster: true\n", "t.yaml"))
        .hasMessageStartingWith("cluster: " + needsTls)
        .hasMessageContaining("cluster.insecure: true")
        .hasMessageNotContaining("\n");
    assertThatThrownBy(() -> ConfigLoader.parse("cluster: { port: 15701 }\n", "t.yaml"))
        .hasMessageStartingWith("cluster.tls: " + needsTls);

    MonitorConfig insecure = ConfigLoader.parse("cluster: { insecure: true }\n", "t.yaml");
    assertThat(insecure.cluster()).isEqualTo(new ClusterConfig(true, null, null, 0, null, true));
    // Off, nothing is needed: a file can keep the section for later.
    assertThat(ConfigLoader.parse("cluster: false\n", "t.yaml").cluster().enabled()).isFalse();
    assertThat(ConfigLoader.parse("cluster: { enabled: false }\n", "t.yaml").cluster().enabled())
        .isFalse();
    assertThatThrownBy(
            () -> ConfigLoader.parse("cluster: { insecure: true, " + TLS + " }\n", "t.yaml"))
        .hasMessage("cluster.insecure: must not be true when tls is given");
  }

  @Test
  void theTlsKeysAreCheckedTogether() {
    assertThat(error("tls: { trustPem: /ca.pem }"))
        .isEqualTo(
            "cluster.tls.keyStore: this member's key and certificate are required: keyStore, or"
                + " certPem and keyPem");
    assertThat(
            error(
                "tls: { keyStore: /k.p12, keyStorePasswordEnv: P, certPem: /c.pem, trustPem: /ca.pem }"))
        .isEqualTo("cluster.tls.certPem: give either keyStore or certPem and keyPem, not both");
    assertThat(error("tls: { certPem: /c.pem, trustPem: /ca.pem }"))
        .isEqualTo("cluster.tls.keyPem: is required with certPem");
    assertThat(error("tls: { keyStore: /k.p12, trustPem: /ca.pem }"))
        .startsWith(
            "cluster.tls.keyStorePasswordEnv: the password that opens keyStore is required");
    assertThat(
            error(
                "tls: { keyStore: /k.p12, keyStorePasswordEnv: P, keyStorePasswordFile: /p,"
                    + " trustPem: /ca.pem }"))
        .isEqualTo(
            "cluster.tls.keyStorePasswordFile: give either keyStorePasswordEnv or"
                + " keyStorePasswordFile, not both");
    assertThat(error("tls: { certPem: /c.pem, keyPem: /k.pem }"))
        .startsWith("cluster.tls.trustStore: the certificates members trust are required");
    assertThat(error("tls: { certPem: /c.pem, keyPem: /k.pem, trustStore: /t.p12 }"))
        .startsWith("cluster.tls.trustStorePasswordEnv: the password that opens trustStore");
    assertThat(
            error(
                "tls: { certPem: /c.pem, keyPem: /k.pem, trustPem: /ca.pem,"
                    + " trustStorePasswordEnv: P }"))
        .isEqualTo("cluster.tls.trustStorePasswordEnv: is only used with trustStore");
    assertThat(
            error("tls: { keyStore: /k.p12, keyStorePasswordEnv: 'pass word', trustPem: /ca.pem }"))
        .startsWith("cluster.tls.keyStorePasswordEnv: must be the name of an environment variable");
    assertThat(error("tls: { keystore: /k.p12 }"))
        .isEqualTo("cluster.tls.keystore: unknown key (did you mean 'keyStore'?)");
  }

  @Test
  void badValuesNameTheKey() {
    assertThatThrownBy(() -> ConfigLoader.parse("cluster: { enabled: yes please }\n", "t.yaml"))
        .hasMessageContaining("cluster.enabled");
    assertThatThrownBy(() -> ConfigLoader.parse("cluster: { port: 70000 }\n", "t.yaml"))
        .hasMessageContaining("cluster.port");
    assertThatThrownBy(() -> ConfigLoader.parse("cluster: { hots: a }\n", "t.yaml"))
        .hasMessageContaining("cluster.hots");
    assertThatThrownBy(() -> ConfigLoader.parse("cluster: { zookeeperPath: \"a b\" }\n", "t.yaml"))
        .hasMessageContaining("cluster.zookeeperPath");
    assertThatThrownBy(() -> ConfigLoader.parse("cluster: { insecure: maybe }\n", "t.yaml"))
        .hasMessageContaining("cluster.insecure");
  }

  @Test
  void theOptionWinsOverTheFile() {
    MonitorConfig file = ConfigLoader.parse("cluster: { host: 10.0.0.7, " + TLS + " }\n", "t.yaml");
    ConfigOverrides off = new ConfigOverrides(null, null, null, List.of(), null, false);
    assertThat(off.applyTo(file).cluster())
        .isEqualTo(new ClusterConfig(false, null, "10.0.0.7", 0, TLS_CONFIG, false));
    ConfigOverrides on = new ConfigOverrides(null, null, null, List.of("http://h/x"), null, true);
    MonitorConfig kept = ConfigLoader.parse("cluster: { enabled: false, " + TLS + " }\n", "t.yaml");
    assertThat(on.applyTo(kept).cluster().enabled()).isTrue();
  }

  @Test
  void theOptionAloneIsRefusedWithoutTlsOrInsecure() {
    ConfigOverrides on = new ConfigOverrides(null, null, null, List.of(), null, true);
    assertThatThrownBy(() -> on.applyTo(MonitorConfig.defaults()))
        .isInstanceOf(ConfigException.class)
        .hasMessageStartingWith("--cluster: the clustered event bus needs TLS");
    MonitorConfig insecure =
        ConfigLoader.parse("cluster: { enabled: false, insecure: true }\n", "t.yaml");
    assertThat(on.applyTo(insecure).cluster().insecure()).isTrue();
  }

  @Test
  void theCommentedExampleOfTheShippedConfigIsValid() throws Exception {
    String shipped = Files.readString(Path.of("conf", "monitor.yaml"));
    int start = shipped.indexOf("# cluster:\n");
    assertThat(start).isNotNegative();
    int end = shipped.indexOf("\n\n", start);
    String block = shipped.substring(start, end < 0 ? shipped.length() : end);

    MonitorConfig config = ConfigLoader.parse(block.replaceAll("(?m)^# ?", ""), "monitor.yaml");

    assertThat(config.cluster().enabled()).isTrue();
    assertThat(config.cluster().tls().keyStorePasswordEnv()).isEqualTo("CLUSTER_TLS_PASSWORD");
    assertThat(config.cluster().insecure()).isFalse();
  }

  private static String error(String clusterKeys) {
    try {
      ConfigLoader.parse("cluster: { " + clusterKeys + " }\n", "t.yaml");
    } catch (ConfigException e) {
      return e.getMessage();
    }
    throw new AssertionError("accepted: " + clusterKeys);
  }
}
