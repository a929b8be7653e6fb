package io.flumesentinel.protocol;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.json.JsonObject;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The agent node's {@code resources} and {@code lastExit.restartReason}: written and read back,
 * absent in older nodes, and a garbled {@code resources} never hides the rest of the node.
 */
class ResourceJsonTest {

  private static final Instant AT = Instant.parse("2026-03-01T10:00:00Z");

  @Test
  void resourcesAndARestartReasonRoundTrip() throws Exception {
    ResourceHealth resources =
        new ResourceHealth(
            new ResourceHealth.Verdict(
                ResourceHealth.Status.HIGH, "heap 97% of 64 MB", AT, Map.of("heapPercent", "97")),
            ResourceHealth.Verdict.ok(AT));
    AgentNode node =
        AgentNode.of("h", "g", Map.of())
            .withCrash(
                new ExitRecord(null, "TERM", AT, "bye")
                    .withRestartReason("RSS 612 MB over 512 MB for 3 checks"))
            .withResources(resources);
    JsonObject json = node.toJson();
    assertThat(json.getJsonObject("lastExit").getString("restartReason"))
        .isEqualTo("RSS 612 MB over 512 MB for 3 checks");
    assertThat(json.getJsonObject("resources").getJsonObject("memory").getString("status"))
        .isEqualTo("HIGH");
    AgentNode read = AgentNode.parse(node.toBytes());
    assertThat(read.resources()).isEqualTo(resources);
    assertThat(read.lastExit()).isEqualTo(node.lastExit());
  }

  @Test
  void anOlderNodeHasNeither() throws Exception {
    AgentNode read =
        AgentNode.parse(
            ("{\"host\":\"h\",\"group\":\"g\",\"crashCount\":1,"
                    + "\"lastExit\":{\"signal\":\"KILL\",\"at\":\"2026-03-01T10:00:00Z\"}}")
                .getBytes(StandardCharsets.UTF_8));
    assertThat(read.resources()).isNull();
    assertThat(read.lastExit().restartReason()).isNull();
    assertThat(read.toJson().getJsonObject("lastExit").containsKey("restartReason")).isFalse();
  }

  @Test
  void garbledResourcesAreIgnoredAndAReasonIsOneBoundedLine() throws Exception {
    String[] garbled = {
      "\"resources\":[]",
      "\"resources\":{\"memory\":{\"status\":\"EXPLODED\"}}",
      "\"resources\":{\"gc\":{\"status\":\"HIGH\",\"since\":\"yesterday\"}}",
    };
    for (String resources : garbled) {
      AgentNode read =
          AgentNode.parse(
              ("{\"host\":\"h\",\"crashCount\":2," + resources + "}")
                  .getBytes(StandardCharsets.UTF_8));
      assertThat(read.resources()).as(resources).isNull();
      assertThat(read.crashCount()).isEqualTo(2);
    }
    AgentNode read =
        AgentNode.parse(
            ("{\"host\":\"h\",\"lastExit\":{\"code\":1,\"restartReason\":\"a\\nforged line"
                    + "x".repeat(1000)
                    + "\"}}")
                .getBytes(StandardCharsets.UTF_8));
    assertThat(read.lastExit().restartReason())
        .startsWith("a forged line")
        .hasSizeLessThanOrEqualTo(UntrustedText.MAX_VALUE_CHARS)
        .doesNotContain("\n");
  }
}
