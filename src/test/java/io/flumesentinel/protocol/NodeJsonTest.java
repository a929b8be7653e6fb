package io.flumesentinel.protocol;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** The JSON of agent and live nodes: what writers put there, and what readers make of bad data. */
class NodeJsonTest {

  private static byte[] bytes(String json) {
    return json.getBytes(StandardCharsets.UTF_8);
  }

  @Test
  void agentNodeSurvivesARoundTripWithItsCrashRecord() throws Exception {
    Instant at = Instant.parse("2026-11-22T10:00:00.123Z");
    AgentNode written =
        AgentNode.of("flume-07", "ingest", Map.of("dc", "east"))
            .withCrash(new ExitRecord(null, "KILL", at, "OutOfMemoryError"));
    AgentNode read = AgentNode.parse(written.toBytes());
    assertThat(read).isEqualTo(written);
    assertThat(read.crashCount()).isEqualTo(1);
    assertThat(read.lastExit().signal()).isEqualTo("KILL");
  }

  @Test
  void unknownFieldsAreIgnoredAndMissingOnesDefaulted() throws Exception {
    AgentNode read =
        AgentNode.parse(bytes("{\"host\":\"h\",\"next\":{\"a\":[1]},\"labels\":{\"n\":3}}"));
    assertThat(read.group()).isEqualTo("default");
    assertThat(read.crashCount()).isZero();
    assertThat(read.labels()).containsEntry("n", "3");
  }

  @Test
  void longStderrIsCutToItsTail() {
    ExitRecord exit = new ExitRecord(1, null, Instant.now(), "x".repeat(10_000) + "END");
    assertThat(exit.stderrTail()).hasSize(ExitRecord.MAX_STDERR_TAIL).endsWith("END");
  }

  @ParameterizedTest
  @CsvSource(
      delimiter = '|',
      value = {
        "{not json|agent node data is not a JSON object",
        "[1,2]|agent node data is not a JSON object",
        "{\"crashCount\":\"three\"}|agent.crashCount must be a number",
        "{\"lastExit\":5}|agent.lastExit must be an object",
        "{\"registeredAt\":\"yesterday\"}|agent.registeredAt is not an ISO-8601 instant: yesterday"
      })
  void garbledAgentDataIsRefusedWithTheReason(String json, String message) {
    assertThatThrownBy(() -> AgentNode.parse(bytes(json)))
        .isInstanceOf(NodeDataException.class)
        .hasMessageStartingWith(message);
  }

  @Test
  void emptyNodeDataIsRefused() {
    assertThatThrownBy(() -> LiveNode.parse(new byte[0])).hasMessage("live node has no data");
  }

  @Test
  void liveNodeCarriesTheCrashCountItStartedWith() throws Exception {
    LiveNode live = new LiveNode(4242, Instant.parse("2026-11-22T10:00:00Z"), "1.11.0", 3);
    assertThat(LiveNode.parse(live.toBytes())).isEqualTo(live);
  }
}
