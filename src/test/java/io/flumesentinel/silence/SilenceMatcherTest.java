package io.flumesentinel.silence;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** amtool's matcher syntax, Prometheus' anchored regexes, and the messages for bad input. */
class SilenceMatcherTest {

  private static final Map<String, String> INGEST =
      Map.of("group", "ingest", "host", "flume-03", "agent", "a1");

  static Stream<Arguments> matching() {
    return Stream.of(
        // matcher, labels, matches
        Arguments.of("group=ingest", INGEST, true),
        Arguments.of("group=web", INGEST, false),
        Arguments.of("group!=web", INGEST, true),
        Arguments.of("group!=ingest", INGEST, false),
        Arguments.of("host=~flume-0[1-4]", INGEST, true),
        Arguments.of("host=~flume-0[5-9]", INGEST, false),
        // anchored: a part of the value is not enough
        Arguments.of("host=~flume", INGEST, false),
        Arguments.of("host=~flume.*", INGEST, true),
        Arguments.of("host=~03", INGEST, false),
        Arguments.of("host!~flume-0[1-4]", INGEST, false),
        Arguments.of("host!~web-.*", INGEST, true),
        // an absent label is the empty string
        Arguments.of("dc=east", INGEST, false),
        Arguments.of("dc!=east", INGEST, true),
        Arguments.of("dc=", INGEST, true),
        Arguments.of("dc=~.*", INGEST, true),
        // quoted values, spaces around
        Arguments.of("group=\"ingest\"", INGEST, true),
        Arguments.of(" group = ingest ", INGEST, true),
        Arguments.of("host=~\"flume-0[1-4]|web-1\"", INGEST, true),
        // alternation stays anchored as a whole
        Arguments.of("host=~web|flume-03", INGEST, true),
        Arguments.of("host=~web|flume", INGEST, false));
  }

  @ParameterizedTest(name = "{0} on {1} → {2}")
  @MethodSource("matching")
  void matchesLikeAmtool(String text, Map<String, String> labels, boolean expected) {
    assertThat(Matcher.parse(text).matches(labels)).isEqualTo(expected);
  }

  static Stream<Arguments> parsed() {
    return Stream.of(
        Arguments.of("group=ingest", "group", Matcher.Op.EQUAL, "ingest"),
        Arguments.of("group!=ingest", "group", Matcher.Op.NOT_EQUAL, "ingest"),
        Arguments.of("host=~a.*", "host", Matcher.Op.REGEX, "a.*"),
        Arguments.of("host!~a.*", "host", Matcher.Op.NOT_REGEX, "a.*"),
        Arguments.of("comment=\"a \\\"b\\\"\"", "comment", Matcher.Op.EQUAL, "a \"b\""),
        Arguments.of("url=http://x/?a=b", "url", Matcher.Op.EQUAL, "http://x/?a=b"));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("parsed")
  void parsesEachOperator(String text, String label, Matcher.Op op, String value) {
    Matcher matcher = Matcher.parse(text);

    assertThat(matcher).isEqualTo(new Matcher(label, op, value));
    assertThat(Matcher.parse(matcher.toString())).isEqualTo(matcher);
    assertThat(Matcher.fromJson(matcher.toJson())).isEqualTo(matcher);
  }

  static Stream<Arguments> invalid() {
    return Stream.of(
        Arguments.of(
            "groupingest",
            "'groupingest' is not a matcher: expected label=value, label!=value, label=~regex or"
                + " label!~regex (e.g. group=ingest)"),
        Arguments.of(
            "group==ingest",
            "'group==ingest' is not a matcher: '==' is no operator; expected label=value,"
                + " label!=value, label=~regex or label!~regex"),
        Arguments.of(
            "1group=x", "'1group=x': label name '1group' must match [a-zA-Z_][a-zA-Z0-9_]*"),
        Arguments.of("=x", "'=x': label name '' must match [a-zA-Z_][a-zA-Z0-9_]*"),
        Arguments.of(
            "host=~flume-0[1-4",
            "'host=~flume-0[1-4': 'flume-0[1-4' is not a valid regex: Unclosed character class"),
        Arguments.of("group=\"ingest", "'group=\"ingest': unterminated quoted value"));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("invalid")
  void badInputIsOneLineNamingTheProblem(String text, String message) {
    assertThatThrownBy(() -> Matcher.parse(text))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage(message);
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("jsonForms")
  void readsAlertmanagersJsonForm(String json, Matcher expected) {
    assertThat(Matcher.fromJson(new io.vertx.core.json.JsonObject(json))).isEqualTo(expected);
  }

  static Stream<Arguments> jsonForms() {
    return Stream.of(
        Arguments.of(
            "{\"name\":\"group\",\"value\":\"ingest\"}",
            new Matcher("group", Matcher.Op.EQUAL, "ingest")),
        Arguments.of(
            "{\"name\":\"host\",\"value\":\"a.*\",\"isRegex\":true,\"isEqual\":false,\"x\":1}",
            new Matcher("host", Matcher.Op.NOT_REGEX, "a.*")));
  }
}
