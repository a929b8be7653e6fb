package io.flumesentinel.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import org.junit.jupiter.api.Test;

/** The {@code cluster} key and {@code --cluster}: off by default, a boolean or a mapping. */
class ClusterConfigTest {

  @Test
  void offByDefault() {
    MonitorConfig config = ConfigLoader.parse("zookeeper: { connect: \"zk:2181\" }\n", "t.yaml");
    assertThat(config.cluster().enabled()).isFalse();
    assertThat(MonitorConfig.defaults().cluster().enabled()).isFalse();
  }

  @Test
  void trueTurnsItOnWithTheDefaults() {
    MonitorConfig config = ConfigLoader.parse("cluster: true\n", "t.yaml");
    assertThat(config.cluster()).isEqualTo(new ClusterConfig(true, null, null, 0));
    assertThat(config.cluster().zookeeperPath("/flume-sentinel"))
        .isEqualTo("/flume-sentinel/vertx");
  }

  @Test
  void aMappingSetsPathHostAndPort() {
    MonitorConfig config =
        ConfigLoader.parse(
            "cluster: { zookeeperPath: /ha/bus, host: 10.0.0.7, port: 15701 }\n", "t.yaml");
    assertThat(config.cluster()).isEqualTo(new ClusterConfig(true, "/ha/bus", "10.0.0.7", 15701));
    assertThat(config.cluster().zookeeperPath("/flume-sentinel")).isEqualTo("/ha/bus");
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
  }

  @Test
  void theOptionWinsOverTheFile() {
    MonitorConfig file = ConfigLoader.parse("cluster: { host: 10.0.0.7 }\n", "t.yaml");
    ConfigOverrides off = new ConfigOverrides(null, null, null, List.of(), null, false);
    assertThat(off.applyTo(file).cluster())
        .isEqualTo(new ClusterConfig(false, null, "10.0.0.7", 0));
    ConfigOverrides on = new ConfigOverrides(null, null, null, List.of("http://h/x"), null, true);
    assertThat(on.applyTo(MonitorConfig.defaults()).cluster().enabled()).isTrue();
  }
}
