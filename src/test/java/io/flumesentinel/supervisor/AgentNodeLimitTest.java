package io.flumesentinel.supervisor;

import static org.assertj.core.api.Assertions.assertThat;

import io.flumesentinel.protocol.AgentNode;
import io.flumesentinel.protocol.ExitRecord;
import io.flumesentinel.protocol.FlowVerdict;
import io.flumesentinel.protocol.Health;
import io.flumesentinel.protocol.NodeDataException;
import java.time.Instant;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** The bound of the agent node a supervisor writes, table-driven. */
class AgentNodeLimitTest {

  private static final Instant AT = Instant.parse("2026-01-01T00:00:00Z");
  private static final ExitRecord CRASH = new ExitRecord(1, null, AT, "trace\n".repeat(600));

  static Stream<Arguments> nodes() {
    return Stream.of(
        Arguments.of("an ordinary node with a crash", node("h1", Map.of("dc", "1"), CRASH), true),
        Arguments.of("a 600 KB host", node("h".repeat(600 * 1024), Map.of(), CRASH), false),
        Arguments.of("many long labels", node("h1", many(2000, 200), CRASH), false),
        Arguments.of(
            "a 600 KB label", node("h1", Map.of("big", "v".repeat(600 * 1024)), null), false));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("nodes")
  void aWrittenNodeIsWithinItsBoundKeepingItsCrashCount(String name, AgentNode node, boolean fits)
      throws NodeDataException {
    AgentNode fitted = AgentNodeLimit.fit(node);

    assertThat(fitted.toBytes().length).isLessThanOrEqualTo(AgentNodeLimit.MAX_NODE_BYTES);
    assertThat(fitted.crashCount()).isEqualTo(node.crashCount());
    assertThat(fitted.registeredAt()).isEqualTo(node.registeredAt());
    assertThat(AgentNode.parse(fitted.toBytes()).crashCount()).isEqualTo(node.crashCount());
    if (fits) {
      assertThat(fitted).isSameAs(node);
    }
  }

  @org.junit.jupiter.api.Test
  void flowLinesThenFlowVerdictsGiveWayKeepingTheFirst() throws NodeDataException {
    java.util.List<FlowVerdict> verdicts = new java.util.ArrayList<>();
    for (int i = 0; i < FlowVerdict.MAX_VERDICTS; i++) {
      Map<String, String> figures = new TreeMap<>();
      for (int f = 0; f < FlowVerdict.MAX_FIGURES; f++) {
        figures.put("figure" + f, "9".repeat(300));
      }
      verdicts.add(
          new FlowVerdict(
              FlowVerdict.Check.SINK_STALLED,
              "k" + i,
              "r".repeat(300),
              AT,
              figures,
              java.util.Collections.nCopies(FlowVerdict.MAX_LINES, "l".repeat(300))));
    }
    AgentNode node =
        node("h1", Map.of("dc", "1"), CRASH).withHealth(Health.ok(AT).withFlow(verdicts));
    assertThat(node.toBytes().length).isGreaterThan(AgentNodeLimit.MAX_NODE_BYTES);

    AgentNode fitted = AgentNodeLimit.fit(node);

    assertThat(fitted.toBytes().length).isLessThanOrEqualTo(AgentNodeLimit.MAX_NODE_BYTES);
    java.util.List<FlowVerdict> kept = AgentNode.parse(fitted.toBytes()).health().flow();
    assertThat(kept).isNotEmpty().hasSizeLessThan(verdicts.size());
    assertThat(kept.get(0).component()).isEqualTo("k0");
    assertThat(kept).allMatch(v -> v.lines().isEmpty());
    assertThat(fitted.labels()).containsEntry("dc", "1");
    assertThat(fitted.crashCount()).isEqualTo(node.crashCount());
  }

  @org.junit.jupiter.api.Test
  void theOldestLinesOfTheStderrTailGoFirst() {
    String tail = "old line\n".repeat(400) + "newest line";
    AgentNode node =
        node("h", many(100, 256), new ExitRecord(null, "KILL", AT, tail))
            .withHealth(new Health(Health.Status.STUCK, "stuck", AT, Map.of("channel", "c1")));

    AgentNode fitted = AgentNodeLimit.fit(node, 29 * 1024);

    assertThat(fitted.toBytes().length).isLessThanOrEqualTo(29 * 1024);
    assertThat(fitted.lastExit().stderrTail()).endsWith("newest line");
    assertThat(fitted.lastExit().stderrTail().length()).isLessThan(tail.length());
    assertThat(fitted.labels()).isEqualTo(node.labels()); // the tail was enough
  }

  private static AgentNode node(String host, Map<String, String> labels, ExitRecord exit) {
    return new AgentNode(host, "g", labels, AT, exit == null ? 0 : 3, exit);
  }

  private static Map<String, String> many(int count, int chars) {
    Map<String, String> labels = new TreeMap<>();
    for (int i = 0; i < count; i++) {
      labels.put("label_" + i, "v".repeat(chars));
    }
    return labels;
  }
}
