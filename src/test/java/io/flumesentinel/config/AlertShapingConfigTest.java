package io.flumesentinel.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** The {@code flapping} and {@code hostDown} sections, and a webhook's {@code signature}. */
class AlertShapingConfigTest {

  private static final Map<String, String> ENVIRONMENT =
      Map.of("WEBHOOK_SECRET", "  shared secret \n", "EMPTY_SECRET", " ");

  private static final String WEBHOOK = "receivers:\n  - name: ops\n    urls: [ 'http://a/' ]\n";

  private static MonitorConfig parse(String yaml) {
    return ConfigLoader.parse(yaml, "monitor.yaml", ENVIRONMENT::get);
  }

  @Test
  void flappingIsOnAndHostDownOffByDefault() {
    MonitorConfig config = parse("");

    assertThat(config.flapping())
        .isEqualTo(new FlappingConfig(true, 3, Duration.ofMinutes(10), Duration.ofMinutes(10)));
    assertThat(config.hostDown().enabled()).isFalse();
    assertThat(config.hostDown().minAgents()).isEqualTo(5);
    assertThat(config.hostDown().window()).isEqualTo(Duration.ofSeconds(30));
  }

  @Test
  void readsEveryFlappingAndHostDownKey() {
    MonitorConfig config =
        parse(
            """
            flapping: { enabled: false, maxDowns: 5, windowMs: 300000, stableForMs: 120000 }
            hostDown: { minAgents: 3, windowMs: 10000 }
            """);

    assertThat(config.flapping())
        .isEqualTo(new FlappingConfig(false, 5, Duration.ofMinutes(5), Duration.ofMinutes(2)));
    assertThat(config.hostDown()).isEqualTo(new HostDownConfig(true, 3, Duration.ofSeconds(10)));
  }

  @Test
  void aHostDownSectionTurnsItOnUnlessItSaysOtherwise() {
    assertThat(parse("hostDown: {}").hostDown().enabled()).isTrue();
    assertThat(parse("hostDown: { enabled: false, minAgents: 4 }").hostDown())
        .isEqualTo(new HostDownConfig(false, 4, Duration.ofSeconds(30)));
    assertThat(parse("hostDown:").hostDown().enabled()).isFalse();
  }

  @Test
  void commandLineOverridesKeepTheFilesSettings() {
    MonitorConfig file = parse(WEBHOOK + "flapping: { maxDowns: 7 }\nhostDown: { minAgents: 9 }\n");
    MonitorConfig config =
        new ConfigOverrides(null, null, 0, java.util.List.of("http://b/"), null).applyTo(file);

    assertThat(config.flapping().maxDowns()).isEqualTo(7);
    assertThat(config.hostDown().minAgents()).isEqualTo(9);
  }

  @Test
  void aSignedWebhookReadsItsSecretFromTheEnvironment() {
    MonitorConfig config = parse(WEBHOOK + "    signature: { secretEnv: WEBHOOK_SECRET }\n");

    WebhookReceiverConfig webhook = (WebhookReceiverConfig) config.receivers().get(0);
    assertThat(webhook.signature())
        .isEqualTo(new WebhookReceiverConfig.Signature("WEBHOOK_SECRET", "shared secret"));
    assertThat(webhook.toString()).doesNotContain("shared secret");
  }

  @ParameterizedTest(name = "{1}")
  @MethodSource("invalidFiles")
  void eachProblemNamesItsKey(String yaml, String expectedMessage) {
    assertThatThrownBy(() -> parse(yaml))
        .isInstanceOf(ConfigException.class)
        .hasMessage(expectedMessage)
        .satisfies(e -> assertThat(e.getMessage()).doesNotContain("\n"));
  }

  static Stream<Arguments> invalidFiles() {
    return Stream.of(
        Arguments.of(
            "flapping: { maxdowns: 3 }",
            "flapping.maxdowns: unknown key (did you mean 'maxDowns'?)"),
        Arguments.of(
            "flapping: { maxDowns: 0 }", "flapping.maxDowns: must be between 1 and 1000, got 0"),
        Arguments.of(
            "flapping: { windowMs: 10m }", "flapping.windowMs: must be a whole number, got '10m'"),
        Arguments.of(
            "flapping: { stableForMs: 10 }",
            "flapping.stableForMs: must be between 1000 and 86400000, got 10"),
        Arguments.of(
            "flapping: { enabled: maybe }", "flapping.enabled: must be true or false, got 'maybe'"),
        Arguments.of("flapping: 5", "flapping: must be a mapping of keys, got '5'"),
        Arguments.of(
            "hostDown: { minAgents: 1 }",
            "hostDown.minAgents: must be between 2 and 100000, got 1"),
        Arguments.of(
            "hostDown: { window: 30s }", "hostDown.window: unknown key (did you mean 'windowMs'?)"),
        Arguments.of(
            WEBHOOK + "    signature: { secretEnv: NO_SUCH_VARIABLE }\n",
            "receivers[0].signature.secretEnv: the environment variable NO_SUCH_VARIABLE is not set"),
        Arguments.of(
            WEBHOOK + "    signature: { secretEnv: EMPTY_SECRET }\n",
            "receivers[0].signature.secretEnv: the environment variable EMPTY_SECRET is empty"),
        Arguments.of(
            WEBHOOK + "    signature: {}\n",
            "receivers[0].signature.secretEnv: is required: the name of the environment variable"
                + " holding the signing secret"),
        Arguments.of(
            WEBHOOK + "    signature: { secret: hunter2 }\n",
            "receivers[0].signature.secret: unknown key (did you mean 'secretEnv'?)"),
        Arguments.of(
            WEBHOOK + "    signature: { secretEnv: 'Zq8Lm3Nx7Pw2Kd5Rt9Vy4' }\n",
            "receivers[0].signature.secretEnv: must be the name of an environment variable (like"
                + " ROBOT_SECRET), not the secret itself"),
        Arguments.of(
            WEBHOOK + "    signature: WEBHOOK_SECRET\n",
            "receivers[0].signature: must be a mapping of keys, got 'WEBHOOK_SECRET'"));
  }
}
