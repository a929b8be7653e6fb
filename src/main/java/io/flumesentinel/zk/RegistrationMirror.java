package io.flumesentinel.zk;

import io.flumesentinel.event.NodeChange;
import io.flumesentinel.event.NodeData;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * What is known of the agent and live nodes, and the changes each new piece of information makes to
 * it. Pure logic, no I/O: the watch verticle feeds it loads and watch events and sends what comes
 * out.
 *
 * <p>Loads and events overlap (an event may arrive while a load runs, and a load may or may not
 * reflect it), so every input is checked by ZooKeeper transaction id: a child creation or deletion
 * at or below the parent's {@code pzxid} at the last load is already reflected; a node's data is
 * taken only when its {@code mzxid} is newer than what is known. Not thread-safe.
 */
final class RegistrationMirror {

  private final Map<NodeChange.Kind, Map<String, NodeData>> known =
      new EnumMap<>(NodeChange.Kind.class);
  private final Map<NodeChange.Kind, Long> loadedPzxid = new EnumMap<>(NodeChange.Kind.class);

  RegistrationMirror() {
    for (NodeChange.Kind kind : NodeChange.Kind.values()) {
      known.put(kind, new HashMap<>());
      loadedPzxid.put(kind, 0L);
    }
  }

  Map<String, NodeData> nodes(NodeChange.Kind kind) {
    return Map.copyOf(known.get(kind));
  }

  /** Replaces one level with a load; returns how the load differs from what was known. */
  List<NodeChange> load(NodeChange.Kind kind, Map<String, NodeData> nodes, long pzxid) {
    Map<String, NodeData> before = known.get(kind);
    Map<String, NodeData> after = new HashMap<>(nodes);
    known.put(kind, after);
    loadedPzxid.put(kind, pzxid);
    List<NodeChange> changes = new ArrayList<>();
    before.forEach(
        (id, old) -> {
          if (!after.containsKey(id)) {
            changes.add(new NodeChange(kind, NodeChange.Type.DELETED, id, old, null));
          }
        });
    after.forEach(
        (id, now) -> {
          NodeData old = before.get(id);
          if (old == null) {
            changes.add(new NodeChange(kind, NodeChange.Type.CREATED, id, null, now));
          } else if (old.mzxid() != now.mzxid() || old.czxid() != now.czxid()) {
            changes.add(new NodeChange(kind, NodeChange.Type.CHANGED, id, old, now));
          }
        });
    return changes;
  }

  /**
   * A node was deleted in transaction {@code zxid} (0 when unknown); returns the change, or {@code
   * null} when a load already reflected it. A node that came and went before it could be read is
   * reported too, with unknown data ({@code before} is {@code null}): a live node that vanishes
   * that fast is an agent that died right after it started, which must not go unnoticed.
   */
  NodeChange deleted(NodeChange.Kind kind, String id, long zxid) {
    if (alreadyLoaded(kind, zxid)) {
      return null;
    }
    NodeData old = known.get(kind).remove(id);
    return new NodeChange(kind, NodeChange.Type.DELETED, id, old, null);
  }

  /**
   * A node was created ({@code creation}) or changed, in transaction {@code zxid}, and then read as
   * {@code now} ({@code null}: gone again by the time it was read; its deletion is reported on its
   * own). Returns the change, or {@code null} when nothing known changes.
   */
  NodeChange read(NodeChange.Kind kind, String id, boolean creation, long zxid, NodeData now) {
    if ((creation && alreadyLoaded(kind, zxid)) || now == null) {
      return null;
    }
    Map<String, NodeData> nodes = known.get(kind);
    NodeData old = nodes.get(id);
    if (old != null && old.czxid() == now.czxid() && old.mzxid() >= now.mzxid()) {
      return null; // not newer than what is known
    }
    nodes.put(id, now);
    return new NodeChange(
        kind, old == null ? NodeChange.Type.CREATED : NodeChange.Type.CHANGED, id, old, now);
  }

  private boolean alreadyLoaded(NodeChange.Kind kind, long zxid) {
    return zxid > 0 && zxid <= loadedPzxid.get(kind);
  }
}
