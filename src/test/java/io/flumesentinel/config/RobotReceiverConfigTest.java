package io.flumesentinel.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.flumesentinel.config.RobotReceiverConfig.Vendor;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class RobotReceiverConfigTest {

  private static final String SECRET = "SEC0123456789abcdef0123456789abcdef";
  private static final String URL = "https://oapi.dingtalk.com/robot/send?access_token=abc";
  private static final Map<String, String> ENVIRONMENT =
      Map.of("DINGTALK_SECRET", SECRET, "WECOM_URL", "https://qyapi.weixin.qq.com/x?key=k");

  @Test
  void aFullDingTalkReceiverIsReadWithItsSecretFromTheEnvironment() {
    String yaml =
        "receivers:\n"
            + "  - name: ops-dingtalk\n"
            + "    type: dingtalk\n"
            + "    url: \""
            + URL
            + "\"\n"
            + "    secretEnv: DINGTALK_SECRET\n"
            + "    connectTimeoutMs: 1000\n"
            + "    requestTimeoutMs: 3000\n"
            + "    maxBatch: 30\n"
            + "    queueCapacity: 600\n"
            + "    backoff: { initialMs: 100, maxMs: 1000 }\n";

    MonitorConfig config = ConfigLoader.parse(yaml, "monitor.yaml", ENVIRONMENT::get);

    assertThat(config.receivers())
        .containsExactly(
            new RobotReceiverConfig(
                "ops-dingtalk",
                Vendor.DINGTALK,
                URL,
                "",
                "DINGTALK_SECRET",
                SECRET,
                Duration.ofSeconds(1),
                Duration.ofSeconds(3),
                30,
                600,
                new BackoffConfig(Duration.ofMillis(100), Duration.ofSeconds(1), 2.0, 0.2)));
    assertThat(config.receivers().get(0).type()).isEqualTo("dingtalk");
    assertThat(config.receivers().get(0).toString()).doesNotContain(SECRET).doesNotContain("abc");
  }

  @Test
  void eachRobotTypeTakesItsDefaultsAndTheUrlCanComeFromTheEnvironment() {
    String yaml =
        "receivers:\n"
            + "  - { name: a, type: wecom, urlEnv: WECOM_URL }\n"
            + "  - { name: b, type: FEISHU, url: 'https://open.feishu.cn/open-apis/bot/v2/hook/x' }\n"
            + "  - { name: c, type: slack, url: 'https://hooks.slack.com/services/T/B/x' }\n";

    MonitorConfig config = ConfigLoader.parse(yaml, "monitor.yaml", ENVIRONMENT::get);

    RobotReceiverConfig wecom = (RobotReceiverConfig) config.receivers().get(0);
    assertThat(wecom.url()).isEqualTo("https://qyapi.weixin.qq.com/x?key=k");
    assertThat(wecom.urlEnv()).isEqualTo("WECOM_URL");
    assertThat(wecom.maxBatch()).isEqualTo(Vendor.WECOM.defaultMaxBatch());
    assertThat(wecom.secret()).isNull();
    assertThat(config.receivers().get(1).type()).isEqualTo("feishu");
    assertThat(config.receivers().get(2).type()).isEqualTo("slack");
    assertThat(config.receivers().get(2).queueCapacity())
        .isEqualTo(RobotReceiverConfig.DEFAULT_QUEUE_CAPACITY);
  }

  @Test
  void theCommentedDingTalkExampleOfTheShippedConfigIsValid() throws Exception {
    String shipped = Files.readString(Path.of("conf", "monitor.yaml"));
    int start = shipped.indexOf("  # - name: ops-dingtalk");
    String example = shipped.substring(start);
    String uncommented = shipped.replace(example, example.replaceAll("(?m)^  # ?", "  "));
    Map<String, String> environment = Map.of("DINGTALK_URL", URL, "DINGTALK_SECRET", SECRET);

    MonitorConfig config = ConfigLoader.parse(uncommented, "monitor.yaml", environment::get);

    assertThat(config.receivers())
        .extracting(ReceiverConfig::type)
        .containsExactly("webhook", "dingtalk");
    RobotReceiverConfig robot = (RobotReceiverConfig) config.receivers().get(1);
    assertThat(robot.url()).isEqualTo(URL);
    assertThat(robot.secret()).isEqualTo(SECRET);
  }

  static Stream<Arguments> problems() {
    String head = "receivers:\n  - name: ops\n    type: dingtalk\n";
    String url = "    url: '" + URL + "'\n";
    return Stream.of(
        Arguments.of(
            head,
            "receivers[0].url: the robot's webhook URL is required (or urlEnv naming a variable)"),
        Arguments.of(
            head + "    url: 'ftp://x/'\n",
            "receivers[0].url: 'ftp://x/' is not an http or https URL"),
        Arguments.of(
            head + url + "    secretEnv: NOT_SET\n",
            "receivers[0].secretEnv: the environment variable NOT_SET is not set"),
        Arguments.of(
            head + url + "    secretEnv: " + SECRET + "\n",
            "receivers[0].secretEnv: must be the name of an environment variable (like"
                + " ROBOT_SECRET), not the secret itself"),
        Arguments.of(
            head + url + "    secretEnv: 'my secret'\n",
            "receivers[0].secretEnv: must be the name of an environment variable (like"
                + " ROBOT_SECRET), not the secret itself"),
        Arguments.of(
            head + url + "    secretEnv: xoxb7Hq2LmZk9PwR4tVbN3sYa\n",
            "receivers[0].secretEnv: must be the name of an environment variable (like"
                + " ROBOT_SECRET), not the secret itself"),
        Arguments.of(
            "receivers:\n  - { name: w, type: wecom, url: 'http://x/', secretEnv: DINGTALK_SECRET }\n",
            "receivers[0].secretEnv: wecom robots do not sign their messages"),
        Arguments.of(
            head + url + "    urlEnv: WECOM_URL\n",
            "receivers[0].urlEnv: give either url or urlEnv, not both"),
        Arguments.of(
            head + "    urlEnv: MISSING_URL\n",
            "receivers[0].urlEnv: the environment variable MISSING_URL is not set"),
        Arguments.of(
            head + url + "    urls: [ 'http://x/' ]\n",
            "receivers[0].urls: unknown key (did you mean 'url'?)"),
        Arguments.of(
            head + url + "    maxBatch: 0\n",
            "receivers[0].maxBatch: must be between 1 and 100000, got 0"));
  }

  @ParameterizedTest
  @MethodSource("problems")
  void eachProblemIsOneLineNamingItsKey(String yaml, String message) {
    assertThatThrownBy(() -> ConfigLoader.parse(yaml, "monitor.yaml", ENVIRONMENT::get))
        .isInstanceOf(ConfigException.class)
        .hasMessage(message);
  }
}
