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
      "tls: { keyStore: { location: /etc/fs/member.p12, passwordEnv: CLUSTER_TLS_PASSWORD },"
          + " trustStore: { location: /etc/fs/ca.pem } }";

  private static final ClusterTlsConfig TLS_CONFIG =
      new ClusterTlsConfig(
          new ClusterTlsConfig.Store(
              Path.of("/etc/fs/member.p12"),
              ZkTlsConfig.StoreType.PKCS12,
              "CLUSTER_TLS_PASSWORD",
              null,
              null),
          new ClusterTlsConfig.Store(
              Path.of("/etc/fs/ca.pem"), ZkTlsConfig.StoreType.PEM, null, null, null));

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
    String trust = ", trustStore: { location: /ca.pem }";
    assertThat(error("tls: { trustStore: { location: /ca.pem } }"))
        .isEqualTo("cluster.tls.keyStore: is required: this member's private key and certificate");
    assertThat(error("tls: { keyStore: { location: /m.pem } }"))
        .startsWith("cluster.tls.trustStore: is required: the certificates members trust");
    assertThat(error("tls: { keyStore: { location: /k.p12 }" + trust + " }"))
        .startsWith(
            "cluster.tls.keyStore.passwordEnv: the password that opens the PKCS12 store is"
                + " required");
    assertThat(
            error(
                "tls: { keyStore: { location: /k.jks, passwordEnv: P, passwordFile: /p }"
                    + trust
                    + " }"))
        .isEqualTo("cluster.tls.keyStore.passwordEnv: give passwordEnv or passwordFile, not both");
    assertThat(error("tls: { keyStore: { location: /k.pem, passwordFile: /p }" + trust + " }"))
        .isEqualTo(
            "cluster.tls.keyStore.passwordFile: a PEM store takes no password: its key must be"
                + " unencrypted");
    assertThat(
            error(
                "tls: { keyStore: { location: /k.p12, passwordEnv: P, keyLocation: /k.key }"
                    + trust
                    + " }"))
        .isEqualTo("cluster.tls.keyStore.keyLocation: is only for a PEM store");
    assertThat(
            error(
                "tls: { keyStore: { location: /m.pem }, trustStore: { location: /ca.pem,"
                    + " keyLocation: /k.key } }"))
        .isEqualTo("cluster.tls.trustStore.keyLocation: a trust store holds no private key");
    assertThat(error("tls: { keyStore: { location: /member.key }" + trust + " }"))
        .startsWith(
            "cluster.tls.keyStore.type: is required: the file name 'member.key' does not say");
    assertThat(error("tls: { keyStore: { location: /m, type: pfx }" + trust + " }"))
        .isEqualTo("cluster.tls.keyStore.type: must be PKCS12, JKS or PEM, got 'pfx'");
    assertThat(
            error("tls: { keyStore: { location: /k.p12, passwordEnv: 'pass word' }" + trust + " }"))
        .startsWith(
            "cluster.tls.keyStore.passwordEnv: must be the name of an environment variable");
    assertThat(error("tls: { keystore: { location: /k.p12 } }"))
        .isEqualTo("cluster.tls.keystore: unknown key (did you mean 'keyStore'?)");
    // The type may be given for a file whose name does not say it, as for zookeeper.tls.
    assertThat(
            ConfigLoader.parse(
                    "cluster: { tls: { keyStore: { location: /m, type: pkcs12, passwordEnv: P }"
                        + trust
                        + " } }\n",
                    "t.yaml")
                .cluster()
                .tls()
                .keyStore()
                .type())
        .isEqualTo(ZkTlsConfig.StoreType.PKCS12);
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
    assertThat(config.cluster().tls().keyStore().passwordEnv()).isEqualTo("CLUSTER_TLS_PASSWORD");
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
