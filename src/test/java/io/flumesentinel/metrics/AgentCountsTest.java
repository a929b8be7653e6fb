package io.flumesentinel.metrics;

import static org.assertj.core.api.Assertions.assertThat;

import io.flumesentinel.event.NodeChange;
import io.flumesentinel.event.NodeData;
import io.flumesentinel.event.WatchSnapshot;
import io.flumesentinel.protocol.AgentNode;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The agents counted by group and state, from snapshots and changes as the watch sends them. */
class AgentCountsTest {

  private final AgentCounts counts = new AgentCounts(new LabelValues(3));

  @Test
  void aSnapshotCountsRegisteredAgentsByGroupAndState() {
    counts.load(
        new WatchSnapshot(
            Map.of(
                "a1", agent("{\"host\":\"h\",\"group\":\"ingest\"}"),
                "a2", agent("{\"host\":\"h\",\"group\":\"ingest\"}"),
                "a3",
                    agent(
                        "{\"host\":\"h\",\"group\":\"ingest\",\"health\":{\"status\":\"STUCK\"}}"),
                "w1", agent("{\"host\":\"h\"}")),
            Map.of("a1", live(), "a3", live(), "w1", live(), "stray", live())));

    assertThat(counts.byGroup())
        .containsEntry(
            "ingest",
            Map.of(AgentState.UP, 1, AgentState.STUCK, 1, AgentState.HUNG, 0, AgentState.DOWN, 1))
        .containsEntry(
            "default",
            Map.of(AgentState.UP, 1, AgentState.STUCK, 0, AgentState.HUNG, 0, AgentState.DOWN, 0))
        .hasSize(2);
  }

  @Test
  void changesMoveAgentsBetweenStatesAndZerosStay() {
    counts.load(new WatchSnapshot(Map.of(), Map.of()));
    change(NodeChange.Kind.AGENT, "a1", null, agent("{\"group\":\"ingest\"}"));
    assertThat(state("ingest")).containsEntry(AgentState.DOWN, 1).containsEntry(AgentState.UP, 0);

    change(NodeChange.Kind.LIVE, "a1", null, live());
    assertThat(state("ingest")).containsEntry(AgentState.DOWN, 0).containsEntry(AgentState.UP, 1);

    change(
        NodeChange.Kind.AGENT,
        "a1",
        agent("{\"group\":\"ingest\"}"),
        agent("{\"group\":\"ingest\",\"health\":{\"status\":\"HUNG\"}}"));
    assertThat(state("ingest")).containsEntry(AgentState.HUNG, 1).containsEntry(AgentState.UP, 0);

    change(NodeChange.Kind.LIVE, "a1", live(), null);
    assertThat(state("ingest")).containsEntry(AgentState.DOWN, 1).containsEntry(AgentState.HUNG, 0);

    change(NodeChange.Kind.AGENT, "a1", agent("{\"group\":\"ingest\"}"), null);
    assertThat(state("ingest")).containsOnlyKeys(AgentState.values()).doesNotContainValue(1);
  }

  @Test
  void aLiveNodeBeforeItsAgentNodeCountsOnceRegistered() {
    counts.load(new WatchSnapshot(Map.of(), Map.of()));
    change(NodeChange.Kind.LIVE, "a1", null, live());
    assertThat(counts.byGroup()).isEmpty();
    change(NodeChange.Kind.AGENT, "a1", null, agent("{\"group\":\"web\"}"));
    assertThat(state("web")).containsEntry(AgentState.UP, 1);
    change(NodeChange.Kind.AGENT, "a1", agent("{\"group\":\"web\"}"), agent("{\"group\":\"db\"}"));
    assertThat(state("web")).containsEntry(AgentState.UP, 0);
    assertThat(state("db")).containsEntry(AgentState.UP, 1);
  }

  @Test
  void unreadableNodesAndTooManyGroupsAreBounded() {
    counts.load(
        new WatchSnapshot(
            Map.of(
                "bad", agent("not json"),
                "big", new NodeData(new byte[AgentNode.MAX_BYTES + 1], 1, 1, 0),
                "g1", agent("{\"group\":\"g1\"}"),
                "g2", agent("{\"group\":\"g2\"}"),
                "g3", agent("{\"group\":\"g3\"}"),
                "g4", agent("{\"group\":\"g4\"}")),
            Map.of()));

    Map<String, Map<AgentState, Integer>> byGroup = counts.byGroup();
    // three labels at most, in whatever order the groups came; the rest under "other"
    assertThat(byGroup).hasSize(4).containsKey(LabelValues.OTHER);
    assertThat(byGroup.values().stream().mapToInt(s -> s.get(AgentState.DOWN)).sum()).isEqualTo(6);
  }

  private Map<AgentState, Integer> state(String group) {
    return counts.byGroup().get(group);
  }

  private void change(NodeChange.Kind kind, String id, NodeData before, NodeData after) {
    NodeChange.Type type =
        before == null
            ? NodeChange.Type.CREATED
            : after == null ? NodeChange.Type.DELETED : NodeChange.Type.CHANGED;
    counts.changed(new NodeChange(kind, type, id, before, after));
  }

  private static NodeData agent(String json) {
    return new NodeData(json.getBytes(StandardCharsets.UTF_8), 1, 1, 0);
  }

  private static NodeData live() {
    return new NodeData("{\"pid\":1}".getBytes(StandardCharsets.UTF_8), 2, 2, 0);
  }
}
