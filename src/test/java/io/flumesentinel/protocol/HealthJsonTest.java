package io.flumesentinel.protocol;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class HealthJsonTest {

  @Test
  void healthRoundTripsThroughTheAgentNode() throws Exception {
    Health stuck =
        new Health(
            Health.Status.STUCK,
            "channel c1 is 100% full",
            Instant.parse("2026-03-01T10:00:00Z"),
            Map.of("channel", "c1", "fillPercent", "100"));
    AgentNode node = AgentNode.of("h", "g", Map.of()).withHealth(stuck);

    AgentNode read = AgentNode.parse(node.toBytes());

    assertThat(read.health()).isEqualTo(stuck);
    assertThat(read.withCrash(new ExitRecord(1, null, Instant.now(), "")).health())
        .isEqualTo(stuck);
    assertThat(AgentNode.parse(AgentNode.of("h", "g", Map.of()).toBytes()).health()).isNull();
    assertThat(new String(AgentNode.of("h", "g", Map.of()).toBytes(), StandardCharsets.UTF_8))
        .doesNotContain("health");
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "\"STUCK\"",
        "[]",
        "{}",
        "{\"status\":\"WEDGED\"}",
        "{\"status\":1}",
        "{\"status\":\"STUCK\",\"since\":\"yesterday\"}",
        "{\"status\":\"STUCK\",\"details\":[1]}"
      })
  void garbledHealthReadsAsAbsentAndKeepsTheRestOfTheNode(String health) throws Exception {
    String json = "{\"host\":\"h\",\"group\":\"g\",\"crashCount\":3,\"health\":" + health + "}";

    AgentNode read = AgentNode.parse(json.getBytes(StandardCharsets.UTF_8));

    assertThat(read.health()).isNull();
    assertThat(read.host()).isEqualTo("h");
    assertThat(read.crashCount()).isEqualTo(3);
  }

  @Test
  void statusIsReadWhateverItsCase() throws Exception {
    String json = "{\"host\":\"h\",\"health\":{\"status\":\"hung\",\"extra\":true}}";
    assertThat(AgentNode.parse(json.getBytes(StandardCharsets.UTF_8)).health().status())
        .isEqualTo(Health.Status.HUNG);
  }
}
