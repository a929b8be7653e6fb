package io.flumesentinel.zk;

import static org.assertj.core.api.Assertions.assertThat;

import io.flumesentinel.event.NodeChange;
import io.flumesentinel.event.NodeChange.Kind;
import io.flumesentinel.event.NodeChange.Type;
import io.flumesentinel.event.NodeData;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Loads and watch events that overlap, as they do around start-up and reconnections. */
class RegistrationMirrorTest {

  private final RegistrationMirror mirror = new RegistrationMirror();

  private static NodeData node(String data, long czxid, long mzxid) {
    return new NodeData(data.getBytes(StandardCharsets.UTF_8), czxid, mzxid, 0);
  }

  @Test
  void loadReportsEveryNodeItDidNotKnowAsCreated() {
    assertThat(mirror.load(Kind.LIVE, Map.of("a", node("x", 5, 5)), 5)).hasSize(1);
    assertThat(mirror.nodes(Kind.LIVE)).containsKey("a");
  }

  @Test
  void deletionAlreadyReflectedInTheLoadIsNotReportedAgain() {
    mirror.load(Kind.LIVE, Map.of(), 10); // the load ran after the deletion at zxid 9
    assertThat(mirror.deleted(Kind.LIVE, "a", 9)).isNull();
  }

  @Test
  void deletionAfterTheLoadIsReportedWithTheLastKnownData() {
    mirror.load(Kind.LIVE, Map.of("a", node("run-1", 5, 5)), 10);
    NodeChange change = mirror.deleted(Kind.LIVE, "a", 11);
    assertThat(change.type()).isEqualTo(Type.DELETED);
    assertThat(new String(change.before().data(), StandardCharsets.UTF_8)).isEqualTo("run-1");
    assertThat(mirror.nodes(Kind.LIVE)).isEmpty();
  }

  @Test
  void creationAlreadyInTheLoadIsNotReportedTwice() {
    mirror.load(Kind.AGENT, Map.of("a", node("v1", 7, 7)), 7);
    assertThat(mirror.read(Kind.AGENT, "a", true, 7, node("v1", 7, 7))).isNull();
  }

  @Test
  void olderReadNeverOverwritesNewerData() {
    mirror.load(Kind.AGENT, Map.of("a", node("v3", 7, 30)), 7);
    assertThat(mirror.read(Kind.AGENT, "a", false, 20, node("v2", 7, 20))).isNull();
    NodeChange change = mirror.read(Kind.AGENT, "a", false, 40, node("v4", 7, 40));
    assertThat(change.type()).isEqualTo(Type.CHANGED);
    assertThat(new String(change.after().data(), StandardCharsets.UTF_8)).isEqualTo("v4");
  }

  @Test
  void newIncarnationIsAChangeEvenWithAnOlderLookingMzxid() {
    mirror.load(Kind.LIVE, Map.of("a", node("run-1", 5, 50)), 5);
    NodeChange change = mirror.read(Kind.LIVE, "a", true, 60, node("run-2", 60, 60));
    assertThat(change.type()).isEqualTo(Type.CHANGED);
    assertThat(change.after().czxid()).isEqualTo(60);
  }

  @Test
  void reloadReportsWhatChangedWhileNobodyWatched() {
    mirror.load(
        Kind.LIVE,
        Map.of("gone", node("g", 1, 1), "same", node("s", 2, 2), "changed", node("c1", 3, 3)),
        3);
    var changes =
        mirror.load(
            Kind.LIVE,
            Map.of("same", node("s", 2, 2), "changed", node("c2", 3, 9), "new", node("n", 8, 8)),
            9);
    assertThat(changes)
        .extracting(NodeChange::agentId, NodeChange::type)
        .containsExactlyInAnyOrder(
            org.assertj.core.groups.Tuple.tuple("gone", Type.DELETED),
            org.assertj.core.groups.Tuple.tuple("changed", Type.CHANGED),
            org.assertj.core.groups.Tuple.tuple("new", Type.CREATED));
  }

  @Test
  void nodeThatCameAndWentBeforeItCouldBeReadIsStillReportedGone() {
    mirror.load(Kind.LIVE, Map.of(), 1);
    assertThat(mirror.read(Kind.LIVE, "a", true, 5, null)).isNull();
    NodeChange gone = mirror.deleted(Kind.LIVE, "a", 6);
    assertThat(gone.type()).isEqualTo(Type.DELETED);
    assertThat(gone.before()).isNull();
    assertThat(mirror.nodes(Kind.LIVE)).isEmpty();
  }
}
