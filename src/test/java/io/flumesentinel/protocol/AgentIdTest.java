package io.flumesentinel.protocol;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class AgentIdTest {

  @ParameterizedTest
  @ValueSource(strings = {"a", "agent-1", "ingest.east_07", "..x", "x..", "A.B-C_D"})
  void acceptsLettersDigitsDotsDashesUnderscores(String id) {
    assertThat(AgentId.require(id)).isEqualTo(id);
  }

  @ParameterizedTest
  @CsvSource(
      delimiter = '|',
      value = {
        "''|agent id is empty",
        ".|agent id '.' is reserved by ZooKeeper",
        "..|agent id '..' is reserved by ZooKeeper",
        "a b|agent id 'a b' may only contain letters, digits, '.', '_' and '-'",
        "a/b|agent id 'a/b' may only contain letters, digits, '.', '_' and '-'",
        "agent:1|agent id 'agent:1' may only contain letters, digits, '.', '_' and '-'",
        "ägent|agent id 'ägent' may only contain letters, digits, '.', '_' and '-'"
      })
  void refusesWithAMessageNamingTheRule(String id, String message) {
    assertThatThrownBy(() -> AgentId.require(id))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage(message);
  }

  @org.junit.jupiter.api.Test
  void refusesMoreThan128CharactersAndNamesTheLength() {
    assertThat(AgentId.isValid("x".repeat(128))).isTrue();
    assertThat(AgentId.problem("x".repeat(129)))
        .isEqualTo("agent id is 129 characters long; at most 128 are allowed");
  }

  @org.junit.jupiter.api.Test
  void controlCharactersAreShownEscaped() {
    assertThat(AgentId.problem("a\nb")).contains("a\\ua" + "b");
  }
}
