package io.flumesentinel.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.flumesentinel.config.MailReceiverConfig.StartTls;
import io.flumesentinel.testing.TestCertificates;
import io.flumesentinel.testing.TestCertificates.Identity;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class MailReceiverConfigTest {

  private static final Map<String, String> ENVIRONMENT = Map.of("SMTP_PASSWORD", "s3cret");
  private static final String MAIL =
      "receivers:\n"
          + "  - name: oncall\n"
          + "    type: mail\n"
          + "    host: smtp.example.com\n"
          + "    from: sentinel@example.com\n"
          + "    to: [ oncall@example.com ]\n";

  @Test
  void aFullMailReceiverIsRead() {
    String yaml =
        "receivers:\n"
            + "  - name: oncall\n"
            + "    type: mail\n"
            + "    host: smtp.example.com\n"
            + "    port: 587\n"
            + "    starttls: required\n"
            + "    ssl: false\n"
            + "    username: sentinel\n"
            + "    passwordEnv: SMTP_PASSWORD\n"
            + "    from: sentinel@example.com\n"
            + "    to: [ oncall@example.com, lead@example.com ]\n"
            + "    cc: [ team@example.com ]\n"
            + "    sendResolved: false\n"
            + "    connectTimeoutMs: 1000\n"
            + "    sendTimeoutMs: 8000\n"
            + "    maxBatch: 20\n"
            + "    queueCapacity: 500\n"
            + "    backoff: { initialMs: 100, maxMs: 1000 }\n";

    MonitorConfig config = ConfigLoader.parse(yaml, "monitor.yaml", ENVIRONMENT::get);

    assertThat(config.receivers())
        .containsExactly(
            new MailReceiverConfig(
                "oncall",
                "smtp.example.com",
                587,
                StartTls.REQUIRED,
                false,
                "",
                "sentinel",
                "SMTP_PASSWORD",
                "s3cret",
                "sentinel@example.com",
                List.of("oncall@example.com", "lead@example.com"),
                List.of("team@example.com"),
                false,
                Duration.ofSeconds(1),
                Duration.ofSeconds(8),
                20,
                500,
                new BackoffConfig(Duration.ofMillis(100), Duration.ofSeconds(1), 2.0, 0.2)));
    assertThat(config.receivers().get(0).toString()).doesNotContain("s3cret");
  }

  @Test
  void omittedKeysTakeTheDefaults() {
    MonitorConfig config = ConfigLoader.parse(MAIL, "monitor.yaml", ENVIRONMENT::get);

    assertThat(config.receivers())
        .containsExactly(
            MailReceiverConfig.of(
                "oncall",
                "smtp.example.com",
                25,
                "sentinel@example.com",
                List.of("oncall@example.com"),
                List.of()));
  }

  @Test
  void webhookAndMailReceiversMix() {
    String yaml = MAIL + "  - name: hook\n    urls: [ 'http://a/' ]\n";

    MonitorConfig config = ConfigLoader.parse(yaml, "monitor.yaml", ENVIRONMENT::get);

    assertThat(config.receivers())
        .extracting(ReceiverConfig::type)
        .containsExactly("mail", "webhook");
  }

  @Test
  void theCommentedMailExampleOfTheShippedConfigIsValid() throws Exception {
    String shipped = Files.readString(Path.of("conf", "monitor.yaml"));
    int start = shipped.indexOf("  # - name: oncall-mail");
    String example = shipped.substring(start, shipped.indexOf("\n\n", start));
    String uncommented = shipped.replace(example, example.replaceAll("(?m)^  # ?", "  "));

    MonitorConfig config = ConfigLoader.parse(uncommented, "monitor.yaml", ENVIRONMENT::get);

    assertThat(config.receivers())
        .extracting(ReceiverConfig::type)
        .containsExactly("webhook", "mail");
    MailReceiverConfig mail = (MailReceiverConfig) config.receivers().get(1);
    assertThat(mail.password()).isEqualTo("s3cret");
    assertThat(mail.starttls()).isEqualTo(StartTls.REQUIRED);
    assertThat(mail.cc()).containsExactly("flume-team@example.com");
  }

  static Stream<Arguments> transportSecurity() {
    String login = "    username: sentinel\n    passwordEnv: SMTP_PASSWORD\n";
    return Stream.of(
        // a relay without login keeps the old default
        Arguments.of("", StartTls.OPTIONAL, false),
        Arguments.of("    starttls: disabled\n", StartTls.DISABLED, false),
        // a password makes STARTTLS required unless the file says otherwise
        Arguments.of(login, StartTls.REQUIRED, false),
        Arguments.of(login + "    starttls: required\n", StartTls.REQUIRED, false),
        // TLS from the first byte protects the password whatever starttls says
        Arguments.of(login + "    ssl: true\n", StartTls.OPTIONAL, true),
        Arguments.of(login + "    ssl: true\n    starttls: disabled\n", StartTls.DISABLED, true),
        // clear text only when the file accepts it in so many words
        Arguments.of(
            login + "    starttls: optional\n    allowPlaintextPassword: true\n",
            StartTls.OPTIONAL,
            false),
        Arguments.of(
            login + "    starttls: disabled\n    allowPlaintextPassword: true\n",
            StartTls.DISABLED,
            false));
  }

  @ParameterizedTest
  @MethodSource("transportSecurity")
  void aPasswordIsSentOnlyOverTlsUnlessTheFileAcceptsClearText(
      String keys, StartTls expectedStartTls, boolean expectedSsl) {
    MonitorConfig config = ConfigLoader.parse(MAIL + keys, "monitor.yaml", ENVIRONMENT::get);

    MailReceiverConfig mail = (MailReceiverConfig) config.receivers().get(0);
    assertThat(mail.starttls()).isEqualTo(expectedStartTls);
    assertThat(mail.ssl()).isEqualTo(expectedSsl);
  }

  @Test
  void aCaFileOfPemCertificatesIsRead(@TempDir Path dir) throws Exception {
    Identity server = TestCertificates.create(dir, "smtp");

    MonitorConfig config =
        ConfigLoader.parse(
            MAIL + "    caFile: " + server.certPem() + "\n", "monitor.yaml", ENVIRONMENT::get);

    assertThat(((MailReceiverConfig) config.receivers().get(0)).caFile())
        .isEqualTo(server.certPem().toString());
  }

  @Test
  void aCaFileThatIsMissingOrNotPemStopsTheMonitorNamingTheKey(@TempDir Path dir) throws Exception {
    Path notPem = Files.writeString(dir.resolve("ca.pem"), "not a certificate\n");
    Path missing = dir.resolve("missing.pem");

    assertThatThrownBy(
            () ->
                ConfigLoader.parse(
                    MAIL + "    caFile: " + notPem + "\n", "monitor.yaml", ENVIRONMENT::get))
        .isInstanceOf(ConfigException.class)
        .hasMessage("receivers[0].caFile: " + notPem + " holds no readable PEM certificate");
    assertThatThrownBy(
            () ->
                ConfigLoader.parse(
                    MAIL + "    caFile: " + missing + "\n", "monitor.yaml", ENVIRONMENT::get))
        .isInstanceOf(ConfigException.class)
        .hasMessage("receivers[0].caFile: cannot read " + missing);
  }

  static Stream<Arguments> invalidFiles() {
    return Stream.of(
        Arguments.of(
            MAIL.replace("    to: [ oncall@example.com ]\n", ""),
            "receivers[0].to: at least one address is required"),
        Arguments.of(
            MAIL + "    username: sentinel\n    passwordEnv: NO_SUCH_VARIABLE\n",
            "receivers[0].passwordEnv: the environment variable NO_SUCH_VARIABLE is not set"),
        Arguments.of(
            MAIL + "    username: sentinel\n    passwordEnv: 'hunter2!'\n",
            "receivers[0].passwordEnv: must be the name of an environment variable, not the"
                + " password itself"),
        Arguments.of(
            MAIL + "    passwordEnv: SMTP_PASSWORD\n",
            "receivers[0].username: is required with passwordEnv"),
        Arguments.of(
            MAIL + "    password: hunter2\n",
            "receivers[0].password: unknown key (did you mean 'passwordEnv'?)"),
        Arguments.of(
            MAIL.replace("    host: smtp.example.com\n", ""),
            "receivers[0].host: the SMTP server's host name or IP address is required"),
        Arguments.of(
            MAIL.replace("    from: sentinel@example.com\n", ""),
            "receivers[0].from: a mail address is required"),
        Arguments.of(
            MAIL + "    cc: [ team.example.com ]\n",
            "receivers[0].cc[0]: 'team.example.com' is not a mail address (like ops@example.com)"),
        Arguments.of(
            MAIL + "    starttls: maybe\n",
            "receivers[0].starttls: must be DISABLED, OPTIONAL or REQUIRED, got 'maybe'"),
        Arguments.of(
            MAIL + "    ssl: yes please\n",
            "receivers[0].ssl: must be true or false, got 'yes please'"),
        Arguments.of(
            MAIL + "    port: 0\n", "receivers[0].port: must be between 1 and 65535, got 0"),
        Arguments.of(MAIL + "    urls: [ 'http://a/' ]\n", "receivers[0].urls: unknown key"),
        Arguments.of(
            MAIL
                + "    username: sentinel\n    passwordEnv: SMTP_PASSWORD\n    starttls: optional\n",
            "receivers[0].starttls: OPTIONAL would let the password of passwordEnv cross the"
                + " network in clear text; use REQUIRED (the default with passwordEnv) or ssl:"
                + " true, or accept it with allowPlaintextPassword: true"),
        Arguments.of(
            MAIL
                + "    username: sentinel\n    passwordEnv: SMTP_PASSWORD\n    starttls: disabled\n"
                + "    allowPlaintextPassword: false\n",
            "receivers[0].starttls: DISABLED would let the password of passwordEnv cross the"
                + " network in clear text; use REQUIRED (the default with passwordEnv) or ssl:"
                + " true, or accept it with allowPlaintextPassword: true"),
        Arguments.of(
            MAIL + "    allowPlaintextPassword: maybe\n",
            "receivers[0].allowPlaintextPassword: must be true or false, got 'maybe'"));
  }

  @ParameterizedTest
  @MethodSource("invalidFiles")
  void eachProblemIsOneLineNamingItsKey(String yaml, String expectedMessage) {
    assertThatThrownBy(() -> ConfigLoader.parse(yaml, "monitor.yaml", ENVIRONMENT::get))
        .isInstanceOf(ConfigException.class)
        .hasMessage(expectedMessage)
        .satisfies(e -> assertThat(e.getMessage()).doesNotContain("\n"));
  }
}
