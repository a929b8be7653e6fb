package io.flumesentinel.protocol;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.json.JsonObject;
import java.time.Instant;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * What a monitor makes of node data written by someone hostile or careless: every value one line,
 * bounded, label names in Prometheus form.
 */
class UntrustedNodeTest {

  private static final String TEN_KB = "v".repeat(10_240);

  private static AgentNode parse(JsonObject json) throws NodeDataException {
    return AgentNode.parse(Json.bytes(json));
  }

  @Test
  void aHostWithLineBreaksCannotForgeALogLineAndALongOneIsCut() throws Exception {
    AgentNode read =
        parse(
            new JsonObject()
                .put("host", "web-1\r\n2026-01-01 INFO Alert resolved\u001b[2J\u202e")
                .put("group", TEN_KB));

    assertThat(read.host()).isEqualTo("web-1 2026-01-01 INFO Alert resolved[2J");
    assertThat(read.group())
        .hasSize(UntrustedText.MAX_VALUE_CHARS)
        .startsWith("vvv")
        .endsWith(UntrustedText.CUT);
  }

  @Test
  void labelNamesAreMadePrometheusLabelNamesAndValuesOneBoundedLine() throws Exception {
    JsonObject labels =
        new JsonObject()
            .put("dc", "east\nwest")
            .put("rack-id", "r1")
            .put("9lives", "cat")
            .put("a b", "renamed, but a_b is taken")
            .put("a_b", "as written")
            .put("<at user_id=\"all\">", "x")
            .put("---", "nothing left but underscores")
            .put("big", TEN_KB);

    AgentNode read = parse(new JsonObject().put("host", "h").put("labels", labels));

    assertThat(read.labels())
        .containsEntry("dc", "east west")
        .containsEntry("rack_id", "r1")
        .containsEntry("_9lives", "cat")
        .containsEntry("a_b", "as written")
        .containsEntry("_at_user_id__all__", "x")
        .containsEntry("___", "nothing left but underscores")
        .doesNotContainKeys("rack-id", "9lives", "a b", "<at user_id=\"all\">");
    assertThat(read.labels().get("big"))
        .hasSize(UntrustedText.MAX_VALUE_CHARS)
        .endsWith(UntrustedText.CUT);
    assertThat(read.labels().keySet()).allMatch(UntrustedText::isLabelName);
  }

  @Test
  void aNodeKeepsAtMostSixtyFourLabels() throws Exception {
    JsonObject labels = new JsonObject();
    for (int i = 0; i < 1000; i++) {
      labels.put(String.format("l%04d", i), "v");
    }

    AgentNode read = parse(new JsonObject().put("labels", labels));

    assertThat(read.labels()).hasSize(Json.MAX_LABELS).containsKey("l0000").containsKey("l0063");
  }

  @Test
  void theStderrTailKeepsItsLinesButNoOtherControlCharacters() throws Exception {
    JsonObject exit =
        new JsonObject()
            .put("signal", "KILL\r\nforged")
            .put("stderrTail", "x".repeat(10_000) + "\u001b[31mred\r\nException\tat Foo\n");

    AgentNode read = parse(new JsonObject().put("lastExit", exit));

    assertThat(read.lastExit().signal()).isEqualTo("KILL forged");
    assertThat(read.lastExit().stderrTail())
        .hasSize(ExitRecord.MAX_STDERR_TAIL)
        .endsWith("[31mred\nException\tat Foo\n")
        .doesNotContain("\r", "\u001b");
  }

  @Test
  void healthReasonAndDetailsAreMadeSafeToo() throws Exception {
    JsonObject health =
        new JsonObject()
            .put("status", "STUCK")
            .put("reason", "full\n" + TEN_KB)
            .put("since", Instant.EPOCH.toString())
            .put("details", new JsonObject().put("fill percent", "100\r\n"));

    Health read = parse(new JsonObject().put("health", health)).health();

    assertThat(read.reason()).startsWith("full vvv").hasSize(UntrustedText.MAX_VALUE_CHARS);
    assertThat(read.details()).isEqualTo(Map.of("fill_percent", "100 "));
  }

  @Test
  void theLiveNodesVersionIsOneBoundedLine() throws Exception {
    LiveNode read =
        LiveNode.parse(
            Json.bytes(new JsonObject().put("pid", 1).put("version", "1.11\n" + TEN_KB)));

    assertThat(read.version()).startsWith("1.11 v").hasSize(UntrustedText.MAX_VALUE_CHARS);
  }

  @ParameterizedTest
  @CsvSource(
      delimiter = '|',
      value = {
        "host|host",
        "_x9|_x9",
        "9x|_9x",
        "a.b-c|a_b_c",
        "日志|__",
      })
  void labelNamesAreRenamedAsPrometheusDoes(String written, String renamed) {
    assertThat(UntrustedText.labelName(written)).isEqualTo(renamed);
  }

  @Test
  void cuttingNeverSplitsACharacterOfTwoChars() {
    String emoji = "\uD83D\uDE00".repeat(10);

    assertThat(UntrustedText.cut(emoji, 4)).isEqualTo("\uD83D\uDE00…");
    assertThat(UntrustedText.lines(emoji, 3)).isEqualTo("\uD83D\uDE00");
  }
}
