package io.flumesentinel.protocol;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The live node's group and advertised endpoints: written by the supervisor, read back, and, when
 * someone else wrote them badly, left out without making the node unreadable (the monitor needs its
 * crash count).
 */
class LiveNodeAdvertiseTest {

  @Test
  void whatTheSupervisorWritesReadsBack() throws Exception {
    LiveNode live =
        new LiveNode(
            42,
            Instant.parse("2026-01-01T00:00:00Z"),
            "1.11.0",
            3,
            "logs",
            Map.of("avro", "h1:4141"));

    assertThat(LiveNode.parse(live.toBytes())).isEqualTo(live);
  }

  @Test
  void aNodeWithoutThemIsWrittenAsBefore() {
    String json =
        new String(new LiveNode(1, Instant.EPOCH, "", 0).toBytes(), StandardCharsets.UTF_8);

    assertThat(json).doesNotContain("group").doesNotContain("advertise");
  }

  @Test
  void badEndpointsAreLeftOutAndTheCrashCountIsStillRead() throws Exception {
    String hostile =
        "{\"pid\":5,\"crashCount\":9,\"group\":\"logs\",\"advertise\":{"
            + "\"avro\":\"h1:4141\","
            + "\"bad name\":\"h2:1\","
            + "\"shell\":\"$(rm -rf /):1\","
            + "\"number\":4141,"
            + "\"long\":\""
            + "h".repeat(300)
            + ":1\"}}";

    LiveNode live = LiveNode.parse(hostile.getBytes(StandardCharsets.UTF_8));

    assertThat(live.crashCount()).isEqualTo(9);
    assertThat(live.advertise()).containsExactly(Map.entry("avro", "h1:4141"));
    assertThat(
            LiveNode.parse("{\"pid\":5,\"advertise\":[1,2]}".getBytes(StandardCharsets.UTF_8))
                .advertise())
        .isEmpty();
  }
}
