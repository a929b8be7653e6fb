package io.flumesentinel.protocol;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.vertx.core.json.JsonObject;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The {@code health.flow} list of the agent node: written, read back, bounded, garbage left out.
 */
class FlowVerdictJsonTest {

  private static final Instant SINCE = Instant.parse("2026-03-01T10:00:00Z");

  private static final FlowVerdict STALLED =
      new FlowVerdict(
          FlowVerdict.Check.SINK_STALLED,
          "k1",
          "sink k1 drained nothing for 60 s while channel c1 holds 57 events",
          SINCE,
          Map.of("channel", "c1", "channelSize", "57"),
          List.of("ERROR [SinkRunner] SinkRunner: Unable to deliver event", "Caused by: refused"));

  @Test
  void flowVerdictsRoundTripThroughTheAgentNode() throws Exception {
    Health health = Health.ok(SINCE).withFlow(List.of(STALLED));
    AgentNode node = AgentNode.of("h", "g", Map.of()).withHealth(health);

    AgentNode read = AgentNode.parse(node.toBytes());

    assertThat(read.health()).isEqualTo(health);
    assertThat(read.health().troubled()).isTrue();
    JsonObject json = node.toJson().getJsonObject("health").getJsonArray("flow").getJsonObject(0);
    assertThat(json.getString("check")).isEqualTo("SINK_STALLED");
    assertThat(json.getString("component")).isEqualTo("k1");
    assertThat(json.getString("since")).isEqualTo("2026-03-01T10:00:00Z");
    assertThat(json.getJsonObject("figures").getString("channelSize")).isEqualTo("57");
    assertThat(json.getJsonArray("lines").getList()).hasSize(2);
  }

  @Test
  void aHealthWithoutVerdictsWritesNoFlow() {
    assertThat(Health.ok(SINCE).toJson().containsKey("flow")).isFalse();
    assertThat(Health.ok(SINCE).troubled()).isFalse();
  }

  @Test
  void aVerdictIsBoundedWhereItIsMade() {
    FlowVerdict big =
        new FlowVerdict(
            FlowVerdict.Check.AGENT_ERRORS,
            "k1",
            "x".repeat(10_000),
            SINCE,
            IntStream.range(0, 40)
                .boxed()
                .collect(java.util.stream.Collectors.toMap(i -> "f" + i, i -> "v".repeat(1000))),
            IntStream.range(0, 40).mapToObj(i -> "line " + i + "\nforged").toList());

    assertThat(big.reason()).hasSizeLessThanOrEqualTo(UntrustedText.MAX_VALUE_CHARS);
    assertThat(big.figures()).hasSize(FlowVerdict.MAX_FIGURES);
    assertThat(big.figures().values()).allMatch(v -> v.length() <= UntrustedText.MAX_VALUE_CHARS);
    assertThat(big.lines()).hasSize(FlowVerdict.MAX_LINES).last().isEqualTo("line 39 forged");
    assertThatThrownBy(
            () -> new FlowVerdict(FlowVerdict.Check.SOURCE_IDLE, "r/1", "", SINCE, Map.of(), null))
        .isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void atMostSoManyVerdictsAreKept() {
    List<FlowVerdict> many =
        IntStream.range(0, 40)
            .mapToObj(
                i ->
                    new FlowVerdict(
                        FlowVerdict.Check.SOURCE_IDLE, "r" + i, "idle", SINCE, Map.of(), null))
            .toList();
    assertThat(Health.ok(SINCE).withFlow(many).flow()).hasSize(FlowVerdict.MAX_VERDICTS);
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "{\"check\":\"WEDGED\",\"component\":\"k1\"}",
        "{\"check\":\"SINK_STALLED\"}",
        "{\"check\":\"SINK_STALLED\",\"component\":\"../k1\"}",
        "{\"check\":\"SINK_STALLED\",\"component\":\"k1\",\"lines\":\"one\"}",
        "{\"check\":\"SINK_STALLED\",\"component\":\"k1\",\"since\":\"soon\"}",
        "\"SINK_STALLED\""
      })
  void anUnreadableVerdictIsLeftOutAndTheRestIsRead(String verdict) throws Exception {
    String json =
        "{\"host\":\"h\",\"health\":{\"status\":\"OK\",\"flow\":["
            + verdict
            + ",{\"check\":\"source_idle\",\"component\":\"r1\",\"figures\":{\"idleForSeconds\":\"300\"}}]}}";

    AgentNode read = AgentNode.parse(json.getBytes(StandardCharsets.UTF_8));

    assertThat(read.health().status()).isEqualTo(Health.Status.OK);
    assertThat(read.health().flow())
        .singleElement()
        .satisfies(
            v -> {
              assertThat(v.check()).isEqualTo(FlowVerdict.Check.SOURCE_IDLE);
              assertThat(v.component()).isEqualTo("r1");
              assertThat(v.figures()).containsEntry("idleForSeconds", "300");
            });
  }

  @Test
  void aFlowThatIsNoListMakesTheHealthUnreadableNotTheNode() throws Exception {
    String json = "{\"host\":\"h\",\"crashCount\":2,\"health\":{\"status\":\"OK\",\"flow\":{}}}";

    AgentNode read = AgentNode.parse(json.getBytes(StandardCharsets.UTF_8));

    assertThat(read.health()).isNull();
    assertThat(read.crashCount()).isEqualTo(2);
  }
}
