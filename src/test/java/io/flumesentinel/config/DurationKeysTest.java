package io.flumesentinel.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Every duration key of the file, written as a duration, and the millisecond key it replaces, still
 * read with a warning naming the replacement.
 */
class DurationKeysTest {

  private static final String WEBHOOK = "receivers:\n  - name: ops\n    urls: [ 'http://a/' ]\n";
  private static final String MAIL =
      "receivers:\n  - { name: m, type: mail, host: h, from: a@b, to: [ a@b ], ";
  private static final String ROBOT = "receivers:\n  - { name: r, type: slack, url: 'http://r/', ";

  private final List<String> warnings = new ArrayList<>();

  private MonitorConfig parse(String yaml) {
    return ConfigLoader.parse(yaml, "monitor.yaml", Map.<String, String>of()::get, warnings::add);
  }

  private static Arguments key(
      String asDuration, String inMillis, Function<MonitorConfig, Duration> read, Duration value) {
    return Arguments.of(asDuration, inMillis, read, value);
  }

  static Stream<Arguments> keys() {
    return Stream.of(
        key(
            "zookeeper: { sessionTimeout: 20s }",
            "zookeeper: { sessionTimeoutMs: 20000 }",
            c -> c.zookeeper().sessionTimeout(),
            Duration.ofSeconds(20)),
        key(
            "zookeeper: { connectionTimeout: 3s }",
            "zookeeper: { connectionTimeoutMs: 3000 }",
            c -> c.zookeeper().connectionTimeout(),
            Duration.ofSeconds(3)),
        key(
            "classifier: { grace: 1500ms }",
            "classifier: { graceMs: 1500 }",
            c -> c.classifier().grace(),
            Duration.ofMillis(1500)),
        key(
            "classifier: { startTimeout: 2m }",
            "classifier: { startTimeoutMs: 120000 }",
            c -> c.classifier().startTimeout(),
            Duration.ofMinutes(2)),
        key(
            "flapping: { within: 5m }",
            "flapping: { windowMs: 300000 }",
            c -> c.flapping().window(),
            Duration.ofMinutes(5)),
        key(
            "flapping: { stableFor: 1h }",
            "flapping: { stableForMs: 3600000 }",
            c -> c.flapping().stableFor(),
            Duration.ofHours(1)),
        key(
            "hostDown: { within: 10s }",
            "hostDown: { windowMs: 10000 }",
            c -> c.hostDown().window(),
            Duration.ofSeconds(10)),
        key(
            WEBHOOK + "    connectTimeout: 1s\n",
            WEBHOOK + "    connectTimeoutMs: 1000\n",
            c -> ((WebhookReceiverConfig) c.receivers().get(0)).connectTimeout(),
            Duration.ofSeconds(1)),
        key(
            WEBHOOK + "    requestTimeout: 4s\n",
            WEBHOOK + "    requestTimeoutMs: 4000\n",
            c -> ((WebhookReceiverConfig) c.receivers().get(0)).requestTimeout(),
            Duration.ofSeconds(4)),
        key(
            WEBHOOK + "    backoff: { initial: 100ms }\n",
            WEBHOOK + "    backoff: { initialMs: 100 }\n",
            c -> c.receivers().get(0).backoff().initial(),
            Duration.ofMillis(100)),
        key(
            WEBHOOK + "    backoff: { max: 1m }\n",
            WEBHOOK + "    backoff: { maxMs: 60000 }\n",
            c -> c.receivers().get(0).backoff().max(),
            Duration.ofMinutes(1)),
        key(
            MAIL + "connectTimeout: 2s }",
            MAIL + "connectTimeoutMs: 2000 }",
            c -> ((MailReceiverConfig) c.receivers().get(0)).connectTimeout(),
            Duration.ofSeconds(2)),
        key(
            MAIL + "sendTimeout: 1m }",
            MAIL + "sendTimeoutMs: 60000 }",
            c -> ((MailReceiverConfig) c.receivers().get(0)).sendTimeout(),
            Duration.ofMinutes(1)),
        key(
            ROBOT + "connectTimeout: 2s }",
            ROBOT + "connectTimeoutMs: 2000 }",
            c -> ((RobotReceiverConfig) c.receivers().get(0)).connectTimeout(),
            Duration.ofSeconds(2)),
        key(
            ROBOT + "requestTimeout: 9s }",
            ROBOT + "requestTimeoutMs: 9000 }",
            c -> ((RobotReceiverConfig) c.receivers().get(0)).requestTimeout(),
            Duration.ofSeconds(9)));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("keys")
  void aDurationKeyReadsADuration(
      String asDuration, String inMillis, Function<MonitorConfig, Duration> read, Duration value) {
    assertThat(read.apply(parse(asDuration))).isEqualTo(value);
    assertThat(warnings).isEmpty();
  }

  @ParameterizedTest(name = "{1}")
  @MethodSource("keys")
  void theMillisecondKeyIsStillReadAndNamesItsReplacement(
      String asDuration, String inMillis, Function<MonitorConfig, Duration> read, Duration value) {
    assertThat(read.apply(parse(inMillis))).isEqualTo(value);
    assertThat(warnings)
        .singleElement()
        .asString()
        .matches("[a-zA-Z.\\[\\]0-9]+Ms is deprecated: write '[a-zA-Z]+: [0-9a-z]+' instead");
  }

  static Stream<Arguments> warningsOfAFile() {
    return Stream.of(
        Arguments.of(
            "flapping: { windowMs: 600000, stableForMs: 90000 }",
            List.of(
                "flapping.windowMs is deprecated: write 'within: 10m' instead",
                "flapping.stableForMs is deprecated: write 'stableFor: 1m30s' instead")),
        Arguments.of(
            "receivers:\n  - { requestTimeoutMs: 5000, type: dingtalk, name: d, url: 'http://d/' }\n"
                + "  - { name: w, urls: [ 'http://w/' ], backoff: { maxMs: 60000 } }\n",
            List.of(
                "receivers[0].requestTimeoutMs is deprecated: write 'requestTimeout: 5s' instead",
                "receivers[1].backoff.maxMs is deprecated: write 'max: 1m' instead")));
  }

  @ParameterizedTest(name = "{1}")
  @MethodSource("warningsOfAFile")
  void eachDeprecatedKeyIsNamedWithItsFullPath(String yaml, List<String> expected) {
    parse(yaml);

    assertThat(warnings).isEqualTo(expected);
  }

  @ParameterizedTest(name = "{0}")
  @ValueSource(strings = {"conf/monitor.yaml", "conf/monitor-routes.yaml", "k8s/configmap.yaml"})
  void theShippedFilesWriteDurations(String file) throws Exception {
    assertThat(Files.readAllLines(Path.of(file))).noneMatch(line -> line.matches(".*\\wMs\\s*:.*"));
  }

  static Stream<Arguments> problems() {
    return Stream.of(
        Arguments.of(
            "zookeeper: { sessionTimeout: 500ms }",
            "zookeeper.sessionTimeout: must be between 1s and 10m, got '500ms'"),
        Arguments.of(
            "zookeeper: { sessionTimeout: 4s, connectionTimeout: 5s }",
            "zookeeper.connectionTimeout: must not exceed sessionTimeout (4s), got 5s"),
        Arguments.of(
            "zookeeper: { connectionTimeout: 20s }",
            "zookeeper.connectionTimeout: must not exceed sessionTimeout (15s), got 20s"),
        Arguments.of(
            "zookeeper: { connectionTimeoutMs: 20000 }",
            "zookeeper.connectionTimeoutMs: must not exceed sessionTimeoutMs (15000), got 20000"),
        Arguments.of(
            "zookeeper: { sessionTimeout: 4s, connectionTimeoutMs: 5000 }",
            "zookeeper.connectionTimeoutMs: must not exceed sessionTimeout (4s), got 5000"),
        Arguments.of(
            "classifier: { grace: 5 }",
            "classifier.grace: must be a duration like 30s, 5m or 4h, got '5'"),
        Arguments.of(
            "classifier: { grace: [ 5s ] }",
            "classifier.grace: must be a duration like 30s, 5m or 4h, got a list"),
        Arguments.of(
            "classifier: { grace: 2d }", "classifier.grace: must be between 0 and 1d, got '2d'"),
        Arguments.of(
            "classifier: { grace: 99999999999999999999d }",
            "classifier.grace: '99999999999999999999d' is too long a duration"),
        Arguments.of(
            "flapping: { within: 10m, windowMs: 600000 }",
            "flapping.windowMs: give either within or windowMs, not both"),
        Arguments.of(
            "flapping: { window: 10m }", "flapping.window: unknown key (did you mean 'windowMs'?)"),
        Arguments.of(
            "flapping: { stablefor: 10m }",
            "flapping.stablefor: unknown key (did you mean 'stableFor'?)"),
        Arguments.of(
            WEBHOOK + "    backoff: { initial: 1s, max: 500ms }\n",
            "receivers[0].backoff.max: must be at least initial (1s), got 500ms"),
        Arguments.of(
            WEBHOOK + "    requestTimeout: 0s\n",
            "receivers[0].requestTimeout: must be between 1ms and 10m, got '0'"));
  }

  @ParameterizedTest(name = "{1}")
  @MethodSource("problems")
  void eachProblemNamesTheKeyAsWritten(String yaml, String message) {
    assertThatThrownBy(() -> parse(yaml)).isInstanceOf(ConfigException.class).hasMessage(message);
  }
}
