package io.flumesentinel.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class ConfigLoaderTest {

  private static final String FULL =
      """
      zookeeper:
        connect: "zk1:2181,zk2:2181/chroot"
        root: /sentinel/
        sessionTimeoutMs: 20000
        connectionTimeoutMs: 3000
        embedded: { port: 2281, dataDir: /var/lib/zk }
      http: { host: 127.0.0.1, port: 9090 }
      externalUrl: "https://sentinel.example.com"
      classifier: { graceMs: 1500, startTimeoutMs: 30000 }
      receivers:
        - name: ops
          type: webhook
          urls: [ "http://alertmanager:9093/api/v1/alerts-webhook", "https://backup:9093/hook" ]
          connectTimeoutMs: 1000
          requestTimeoutMs: 4000
          maxBatch: 100
          queueCapacity: 1000
          backoff: { initialMs: 100, maxMs: 10000, multiplier: 1.5, jitter: 0.1 }
        - name: second_2
          urls: [ "http://second/hook" ]
      """;

  @Test
  void readsEveryKeyOfAFullFile() {
    MonitorConfig config = ConfigLoader.parse(FULL, "monitor.yaml");

    assertThat(config.zookeeper())
        .isEqualTo(
            new ZkConfig(
                "zk1:2181,zk2:2181/chroot",
                "/sentinel",
                Duration.ofSeconds(20),
                Duration.ofSeconds(3),
                2281,
                Path.of("/var/lib/zk")));
    assertThat(config.http()).isEqualTo(new HttpConfig("127.0.0.1", 9090));
    assertThat(config.externalUrl()).isEqualTo("https://sentinel.example.com");
    assertThat(config.classifier())
        .isEqualTo(new ClassifierConfig(Duration.ofMillis(1500), Duration.ofSeconds(30)));
    assertThat(config.receivers())
        .containsExactly(
            new WebhookReceiverConfig(
                "ops",
                List.of(
                    "http://alertmanager:9093/api/v1/alerts-webhook", "https://backup:9093/hook"),
                Duration.ofSeconds(1),
                Duration.ofSeconds(4),
                100,
                1000,
                new BackoffConfig(Duration.ofMillis(100), Duration.ofSeconds(10), 1.5, 0.1)),
            WebhookReceiverConfig.of("second_2", List.of("http://second/hook")));
  }

  @Test
  void theShippedExampleIsValid() {
    MonitorConfig config = ConfigLoader.load(Path.of("conf", "monitor.yaml"));

    assertThat(config.receivers()).isNotEmpty();
  }

  @ParameterizedTest
  @MethodSource("emptyDocuments")
  void omittedKeysTakeTheRecordDefaults(String yaml) {
    assertThat(ConfigLoader.parse(yaml, "monitor.yaml")).isEqualTo(MonitorConfig.defaults());
  }

  static Stream<String> emptyDocuments() {
    return Stream.of(
        "",
        "# only a comment\n",
        "zookeeper:\nhttp: {}\nclassifier:\nreceivers: []\n",
        "zookeeper: { connect: '', embedded: {} }\nexternalUrl: ''\n");
  }

  @Test
  void aReceiverWithOnlyNameAndUrlGetsDefaults() {
    MonitorConfig config =
        ConfigLoader.parse("receivers: [ { name: a, urls: [ 'http://x/' ] } ]", "m.yaml");

    assertThat(config.receivers())
        .containsExactly(WebhookReceiverConfig.of("a", List.of("http://x/")));
  }

  @ParameterizedTest(name = "{1}")
  @MethodSource("invalidFiles")
  void eachProblemNamesItsKey(String yaml, String expectedMessage) {
    assertThatThrownBy(() -> ConfigLoader.parse(yaml, "monitor.yaml"))
        .isInstanceOf(ConfigException.class)
        .hasMessage(expectedMessage)
        .satisfies(e -> assertThat(e.getMessage()).doesNotContain("\n"));
  }

  static Stream<Arguments> invalidFiles() {
    String receiver = "receivers:\n  - name: ops\n    urls: [ 'http://a/' ]\n";
    return Stream.of(
        Arguments.of(
            "zookeeper: { conect: x }", "zookeeper.conect: unknown key (did you mean 'connect'?)"),
        Arguments.of(
            "zookeeper: { sessiontimeoutms: 1000 }",
            "zookeeper.sessiontimeoutms: unknown key (did you mean 'sessionTimeoutMs'?)"),
        Arguments.of(
            "zookeeper: { sessionTimeoutMs: 0 }",
            "zookeeper.sessionTimeoutMs: must be between 1000 and 600000, got 0"),
        Arguments.of(
            "zookeeper: { sessionTimeoutMs: fast }",
            "zookeeper.sessionTimeoutMs: must be a whole number, got 'fast'"),
        Arguments.of(
            "zookeeper: { sessionTimeoutMs: 4000, connectionTimeoutMs: 5000 }",
            "zookeeper.connectionTimeoutMs: must not exceed sessionTimeoutMs (4000), got 5000"),
        Arguments.of(
            "zookeeper: { root: flume }", "zookeeper.root: root path 'flume' must start with '/'"),
        Arguments.of("zookeeper: { root: / }", "zookeeper.root: root path must not be '/' itself"),
        Arguments.of(
            "zookeeper: { connect: 'zk1:21x81' }",
            "zookeeper.connect: port '21x81' in 'zk1:21x81' is not a port number (1-65535)"),
        Arguments.of(
            "zookeeper: { connect: 'zk1:2181,,zk2' }",
            "zookeeper.connect: 'zk1:2181,,zk2' is not a connect string like 'zk1:2181,zk2:2181'"),
        Arguments.of(
            "zookeeper: { embedded: { port: 70000 } }",
            "zookeeper.embedded.port: must be between 0 and 65535, got 70000"),
        Arguments.of(
            "zookeeper: { embedded: { datadir: x } }",
            "zookeeper.embedded.datadir: unknown key (did you mean 'dataDir'?)"),
        Arguments.of("zookeeper: [ a ]", "zookeeper: must be a mapping of keys, got a list"),
        Arguments.of("http: { port: -1 }", "http.port: must be between 0 and 65535, got -1"),
        Arguments.of("http: { host: '' }", "http.host: must be a host name or IP address, got ''"),
        Arguments.of(
            "externalUrl: 'ftp://x'", "externalUrl: 'ftp://x' is not an http or https URL"),
        Arguments.of(
            "classifier: { graceMs: -5 }",
            "classifier.graceMs: must be between 0 and 86400000, got -5"),
        Arguments.of(
            "classifier: { startTimeoutMs: 0 }",
            "classifier.startTimeoutMs: must be between 1 and 86400000, got 0"),
        Arguments.of("receiver: []", "receiver: unknown key (did you mean 'receivers'?)"),
        Arguments.of("colour: red", "colour: unknown key"),
        Arguments.of("receivers: { name: ops }", "receivers: must be a list, got a mapping"),
        Arguments.of("receivers: [ ops ]", "receivers[0]: must be a mapping of keys, got 'ops'"),
        Arguments.of("receivers: [ { urls: [ 'http://a/' ] } ]", "receivers[0].name: is required"),
        Arguments.of(
            "receivers: [ { name: 'o ps', urls: [ 'http://a/' ] } ]",
            "receivers[0].name: 'o ps' must be 1-64 characters of letters, digits, '_' and '-'"),
        Arguments.of(
            receiver + "  - name: ops\n    urls: [ 'http://b/' ]\n",
            "receivers[1].name: 'ops' is already the name of receivers[0].name"),
        Arguments.of(
            receiver + "    type: teams\n",
            "receivers[0].type: unknown receiver type 'teams'; supported: webhook, mail, dingtalk,"
                + " wecom, feishu, slack"),
        Arguments.of(
            "receivers: [ { name: ops } ]", "receivers[0].urls: at least one URL is required"),
        Arguments.of(
            "receivers: [ { name: ops, urls: 'http://a/' } ]",
            "receivers[0].urls: must be a list, got 'http://a/'"),
        Arguments.of(
            receiver + "  - name: two\n    urls: [ 'http://a/', 'htp://x' ]\n",
            "receivers[1].urls[1]: 'htp://x' is not an http or https URL"),
        Arguments.of(
            "receivers: [ { name: ops, urls: [ 'http:///path' ] } ]",
            "receivers[0].urls[0]: 'http:///path' has no host name"),
        Arguments.of(
            "receivers: [ { name: ops, urls: [ 'http://u:secret@host/' ] } ]",
            "receivers[0].urls[0]: URL must not contain credentials (user:password@); secrets never come from the config file"),
        Arguments.of(
            receiver + "    requestTimeoutMs: 0\n",
            "receivers[0].requestTimeoutMs: must be between 1 and 600000, got 0"),
        Arguments.of(
            receiver + "    maxBatch: 0\n",
            "receivers[0].maxBatch: must be between 1 and 100000, got 0"),
        Arguments.of(
            receiver + "    maxBatch: 50\n    queueCapacity: 10\n",
            "receivers[0].queueCapacity: must be at least maxBatch (50), got 10"),
        Arguments.of(
            receiver + "    backoff: { multiplier: 0.5 }\n",
            "receivers[0].backoff.multiplier: must be between 1.0 and 100.0, got 0.5"),
        Arguments.of(
            receiver + "    backoff: { jitter: 1 }\n",
            "receivers[0].backoff.jitter: must be at least 0 and below 1, got 1.0"),
        Arguments.of(
            receiver + "    backoff: { initialMs: 500, maxMs: 100 }\n",
            "receivers[0].backoff.maxMs: must be at least initialMs (500), got 100"),
        Arguments.of(
            receiver + "    backof: {}\n",
            "receivers[0].backof: unknown key (did you mean 'backoff'?)"),
        Arguments.of(
            "- just\n- a list\n",
            "monitor.yaml: the top level must be a mapping of keys, got a list"));
  }

  @Test
  void aSyntaxErrorNamesTheFileLineAndColumn() {
    String yaml = "zookeeper:\n  connect: zk1\n    root: /x\n";

    assertThatThrownBy(() -> ConfigLoader.parse(yaml, "monitor.yaml"))
        .isInstanceOf(ConfigException.class)
        .hasMessageStartingWith("monitor.yaml: YAML syntax error at line 3, column ")
        .satisfies(e -> assertThat(e.getMessage()).doesNotContain("\n"));
  }

  @Test
  void aDuplicateKeyIsAnError() {
    assertThatThrownBy(
            () -> ConfigLoader.parse("http: { port: 1 }\nhttp: { port: 2 }\n", "monitor.yaml"))
        .hasMessageStartingWith("monitor.yaml: YAML syntax error at line 2")
        .hasMessageContaining("http");
  }

  @Test
  void aMissingFileIsNamed(@TempDir Path dir) {
    Path missing = dir.resolve("nope.yaml");

    assertThatThrownBy(() -> ConfigLoader.load(missing))
        .isInstanceOf(ConfigException.class)
        .hasMessage(missing + ": config file not found");
  }

  @Test
  void commandLineOverridesWin(@TempDir Path dir) throws Exception {
    Path file = dir.resolve("monitor.yaml");
    Files.writeString(file, FULL);
    ConfigOverrides overrides =
        new ConfigOverrides(
            "zk9:2181", "/other", 0, List.of("http://a/1,https://b/2", "http://c/3"), 250L);

    MonitorConfig config = ConfigLoader.load(file, overrides);

    assertThat(config.zookeeper().connect()).isEqualTo("zk9:2181");
    assertThat(config.zookeeper().root()).isEqualTo("/other");
    assertThat(config.zookeeper().sessionTimeout()).isEqualTo(Duration.ofSeconds(20));
    assertThat(config.http()).isEqualTo(new HttpConfig("127.0.0.1", 0));
    assertThat(config.classifier())
        .isEqualTo(new ClassifierConfig(Duration.ofMillis(250), Duration.ofSeconds(30)));
    assertThat(config.receivers())
        .containsExactly(
            WebhookReceiverConfig.of("webhook-1", List.of("http://a/1", "https://b/2")),
            WebhookReceiverConfig.of("webhook-2", List.of("http://c/3")));
    assertThat(config.externalUrl()).isEqualTo("https://sentinel.example.com");
  }

  @Test
  void anEmptyZkOverrideSelectsTheEmbeddedServer() {
    MonitorConfig config = ConfigLoader.parse(FULL, "m.yaml");

    MonitorConfig overridden = new ConfigOverrides("", null, null, null, null).applyTo(config);

    assertThat(overridden.zookeeper().embedded()).isTrue();
    assertThat(overridden.receivers()).isEqualTo(config.receivers());
  }

  @ParameterizedTest(name = "{1}")
  @MethodSource("invalidOverrides")
  void badOverridesNameTheOption(ConfigOverrides overrides, String expectedMessage) {
    assertThatThrownBy(() -> overrides.applyTo(MonitorConfig.defaults()))
        .isInstanceOf(ConfigException.class)
        .hasMessage(expectedMessage);
  }

  static Stream<Arguments> invalidOverrides() {
    return Stream.of(
        Arguments.of(
            new ConfigOverrides("zk1:0", null, null, null, null),
            "--zk: port '0' in 'zk1:0' is not a port number (1-65535)"),
        Arguments.of(
            new ConfigOverrides(null, "rel", null, null, null),
            "--root: root path 'rel' must start with '/'"),
        Arguments.of(
            new ConfigOverrides(null, null, 65536, null, null),
            "--http-port: must be between 0 and 65535, got 65536"),
        Arguments.of(
            new ConfigOverrides(null, null, null, List.of("http://a/,htp://x"), null),
            "--webhook: 'htp://x' is not an http or https URL"),
        Arguments.of(
            new ConfigOverrides(null, null, null, List.of("http://a/,"), null),
            "--webhook: empty URL in 'http://a/,'"),
        Arguments.of(
            new ConfigOverrides(null, null, null, null, -1L),
            "--grace-ms: must be between 0 and 86400000, got -1"));
  }
}
