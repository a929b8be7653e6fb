package io.flumesentinel.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** The {@code groupDegraded} section of the monitor file. */
class GroupDegradedConfigTest {

  private static MonitorConfig parse(String yaml) {
    return ConfigLoader.parse(yaml, "monitor.yaml", name -> null);
  }

  @Test
  void offByDefault() {
    assertThat(parse("").groupDegraded())
        .isEqualTo(new GroupDegradedConfig(false, 0.5, 3, Duration.ofSeconds(10)));
  }

  @Test
  void theSectionTurnsItOnUnlessItSaysOtherwise() {
    assertThat(parse("groupDegraded: {}").groupDegraded().enabled()).isTrue();
    assertThat(parse("groupDegraded: { enabled: false, minAgents: 4 }").groupDegraded())
        .isEqualTo(new GroupDegradedConfig(false, 0.5, 4, Duration.ofSeconds(10)));
    assertThat(parse("groupDegraded:").groupDegraded().enabled()).isFalse();
  }

  @Test
  void readsEveryKey() {
    assertThat(
            parse("groupDegraded: { healthyBelow: 0.75, minAgents: 10, holdFor: 30s }")
                .groupDegraded())
        .isEqualTo(new GroupDegradedConfig(true, 0.75, 10, Duration.ofSeconds(30)));
    assertThat(parse("groupDegraded: { healthyBelow: 1, holdFor: 0s }").groupDegraded())
        .isEqualTo(new GroupDegradedConfig(true, 1.0, 3, Duration.ZERO));
  }

  @Test
  void commandLineOverridesKeepIt() {
    MonitorConfig file =
        parse(
            "receivers:\n  - name: ops\n    urls: [ 'http://a/' ]\n"
                + "groupDegraded: { minAgents: 7 }\n");
    MonitorConfig config =
        new ConfigOverrides(null, null, 9090, List.of("http://b/"), null).applyTo(file);

    assertThat(config.groupDegraded()).isEqualTo(file.groupDegraded());
  }

  @ParameterizedTest(name = "{1}")
  @MethodSource("invalidFiles")
  void eachProblemNamesItsKey(String yaml, String expectedMessage) {
    assertThatThrownBy(() -> parse(yaml))
        .isInstanceOf(ConfigException.class)
        .hasMessage(expectedMessage);
  }

  static Stream<Arguments> invalidFiles() {
    return Stream.of(
        Arguments.of(
            "groupDegraded: { healthyBelow: 0 }",
            "groupDegraded.healthyBelow: must be a share above 0 and at most 1 (0.5 is half), got"
                + " 0.0"),
        Arguments.of(
            "groupDegraded: { healthyBelow: 50 }",
            "groupDegraded.healthyBelow: must be a share above 0 and at most 1 (0.5 is half), got"
                + " 50.0"),
        Arguments.of(
            "groupDegraded: { healthyBelow: half }",
            "groupDegraded.healthyBelow: must be a number, got 'half'"),
        Arguments.of(
            "groupDegraded: { minAgents: 1 }",
            "groupDegraded.minAgents: must be between 2 and 1000000, got 1"),
        Arguments.of(
            "groupDegraded: { holdFor: 11m }",
            "groupDegraded.holdFor: must be between 0 and 10m, got '11m'"),
        Arguments.of(
            "groupDegraded: { holdfor: 5s }",
            "groupDegraded.holdfor: unknown key (did you mean 'holdFor'?)"));
  }
}
