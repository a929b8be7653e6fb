package io.flumesentinel.silence;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Users' regular expressions: linear in time, bounded in size, RE2's syntax. */
class UserRegexTest {

  @Test
  void aCatastrophicPatternOverTwentyValuesOf25CharactersAnswersAtOnce() {
    // java.util.regex takes minutes over these; the bound only says "not minutes".
    List<Map<String, String>> alerts =
        IntStream.range(0, 20)
            .mapToObj(i -> Map.of("alertname", "FlumeAgentDownXXXXXXXXX" + (char) ('a' + i) + "y"))
            .toList();
    Matcher filter = Matcher.parse("alertname=~(((.+)+)+)+X");
    Matcher ending = Matcher.parse("alertname=~(((.+)+)+)+y");

    long matched =
        assertTimeoutPreemptively(
            Duration.ofSeconds(5), () -> alerts.stream().filter(filter::matches).count());
    long endingMatched = alerts.stream().filter(ending::matches).count();

    assertThat(alerts.get(0).get("alertname")).hasSize(25);
    assertThat(matched).isZero();
    assertThat(endingMatched).isEqualTo(20);
  }

  @ParameterizedTest(name = "{0}")
  @CsvSource(
      delimiter = '|',
      value = {
        "(a{1000}){1000}|repeats too much",
        "((a{100}){100}){100}|repeats too much",
        "(((a{30}){30}){30}){30}|repeats too much",
        "(a)\\1|is not a valid regex",
        "a(?=b)|is not a valid regex",
      })
  void patternsTooBigOrNotRe2AreRefused(String regex, String why) {
    assertThatThrownBy(() -> Matcher.parse("host=~" + regex))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining(why);
  }

  @Test
  void aPatternLongerThanAKilobyteIsRefused() {
    assertThatThrownBy(() -> Matcher.parse("host=~" + "a".repeat(UserRegex.MAX_CHARS + 1)))
        .hasMessageContaining("longer than the " + UserRegex.MAX_CHARS + " allowed");
  }

  @ParameterizedTest(name = "{0} has size {1}")
  @CsvSource(
      delimiter = '|',
      value = {
        "abc|3",
        "a{10}|10",
        "(ab){10}|20",
        "(a{10}){10}|100",
        "[0-9]{1,3}\\.[0-9]{1,3}|7",
        "a{2,}|3",
        "[{]{5}|5",
        "\\Q{9999}\\E|10",
        "a{x}|4",
      })
  void theSizeOfAPatternMultipliesOutItsCountedRepetitions(String regex, long size) {
    assertThat(UserRegex.size(regex)).isEqualTo(size);
  }

  @ParameterizedTest(name = "{0} matches {1}: {2}")
  @CsvSource(
      delimiter = '|',
      value = {
        "flume-0[1-4]|flume-03|true",
        "flume|flume-03|false",
        "(?i)FLUME.*|flume-03|true",
        "[[:alpha:]]+|abc|true",
      })
  void matchesAreAnchoredAsInPrometheus(String regex, String value, boolean matches) {
    assertThat(UserRegex.matches(regex, value)).isEqualTo(matches);
  }
}
