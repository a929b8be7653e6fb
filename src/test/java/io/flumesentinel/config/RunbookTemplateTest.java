package io.flumesentinel.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class RunbookTemplateTest {

  @Test
  void placeholdersTakeTheLabelsPercentEncodedAndAMissingLabelIsEmpty() {
    RunbookTemplate template =
        RunbookTemplate.read(
            "runbookUrl",
            "https://wiki.example.com/runbooks/{{alertname}}?agent={{ agent }}&dc={{dc}}");
    assertThat(template.render(Map.of("alertname", "FlumeAgentDown", "agent", "a b&c=d/../e")))
        .isEqualTo(
            "https://wiki.example.com/runbooks/FlumeAgentDown?agent=a%20b%26c%3Dd%2F..%2Fe&dc=");
  }

  @ParameterizedTest
  @CsvSource(
      delimiter = '|',
      value = {
        "https://wiki/{{agent name}} | is not a placeholder",
        "https://wiki/{{1abc}} | is not a placeholder",
        "https://wiki/{{agent} | unmatched",
        "https://wiki/agent}} | unmatched",
        "{{host}}/runbook | is not an http or https URL",
        "ftp://wiki/{{agent}} | is not an http or https URL",
        "https://user:pw@wiki/{{agent}} | credentials",
      })
  void aBrokenTemplateIsAConfigErrorNamingItsKey(String written, String problem) {
    assertThatThrownBy(() -> RunbookTemplate.read("route.runbookUrl", written))
        .isInstanceOf(ConfigException.class)
        .hasMessageStartingWith("route.runbookUrl")
        .hasMessageContaining(problem);
  }
}
