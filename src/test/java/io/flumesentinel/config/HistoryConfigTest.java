package io.flumesentinel.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.time.Duration;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class HistoryConfigTest {

  private static MonitorConfig parse(String yaml) {
    return ConfigLoader.parse(yaml, "monitor.yaml");
  }

  @Test
  void aFileWithoutTheSectionAndTheDefaultsKeepAHistoryInDataHistory() {
    HistoryConfig history = parse("http: { port: 8080 }\n").history();
    assertThat(history).isEqualTo(HistoryConfig.defaults());
    assertThat(history.enabled()).isTrue();
    assertThat(history.dir()).isEqualTo(Path.of("data", "history"));
    assertThat(history.retention()).isEqualTo(Duration.ofDays(14));
    assertThat(history.maxRecords()).isEqualTo(1_000_000);
    assertThat(MonitorConfig.defaults().history()).isEqualTo(HistoryConfig.defaults());
  }

  @Test
  void readsEveryKey() {
    HistoryConfig history =
        parse(
                "history:\n"
                    + "  enabled: true\n"
                    + "  dir: /var/lib/flume-sentinel/history\n"
                    + "  retention: 30d\n"
                    + "  maxRecords: 5000\n")
            .history();
    assertThat(history)
        .isEqualTo(
            new HistoryConfig(
                true, Path.of("/var/lib/flume-sentinel/history"), Duration.ofDays(30), 5000));
    assertThat(parse("history: { enabled: false }\n").history().enabled()).isFalse();
  }

  @Test
  void commandLineOverridesKeepTheHistorySection() {
    MonitorConfig file = parse("history: { dir: /srv/history }\n");
    MonitorConfig overridden = new ConfigOverrides(null, null, 9999, null, null).applyTo(file);
    assertThat(overridden.history().dir()).isEqualTo(Path.of("/srv/history"));
  }

  static Stream<Arguments> badValues() {
    return Stream.of(
        Arguments.of(
            "history: { retention: 30m }",
            "history.retention: must be between 1h and 3650d, got '30m'"),
        Arguments.of(
            "history: { retention: 4000d }",
            "history.retention: must be between 1h and 3650d, got '4000d'"),
        Arguments.of(
            "history: { maxRecords: 10 }",
            "history.maxRecords: must be between 1000 and 100000000, got 10"),
        Arguments.of(
            "history: { dir: '  ' }", "history.dir: must be a directory path, got an empty value"),
        Arguments.of("history: { enabled: maybe }", null),
        Arguments.of("history: { retentionDays: 3 }", null));
  }

  @ParameterizedTest
  @MethodSource("badValues")
  void aBadValueIsOneLineNamingTheKey(String yaml, String message) {
    assertThatThrownBy(() -> parse(yaml + "\n"))
        .isInstanceOf(ConfigException.class)
        .satisfies(
            e -> {
              assertThat(e.getMessage()).startsWith("history.").doesNotContain("\n");
              if (message != null) {
                assertThat(e.getMessage()).isEqualTo(message);
              }
            });
  }
}
