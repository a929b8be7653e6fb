package io.flumesentinel.event;

/**
 * One change of an agent or live node, seen by the watch after its initial load.
 *
 * @param before the node as last seen; {@code null} when created, or when it was deleted before it
 *     could be read (it existed, but its data is unknown)
 * @param after the node now, {@code null} when deleted
 * @param fence the id of a fence the watch sent ZooKeeper after it learnt of this change, whose
 *     {@link FenceReached} follows on the same stream; {@link #NO_FENCE} when the watch sent none
 *     (it sends one for a live node's removal, which is classified by what the fence shows)
 */
public record NodeChange(
    Kind kind, Type type, String agentId, NodeData before, NodeData after, long fence) {

  /** No fence follows the change: whoever needs one asks for it ({@link Addresses#ZK_FENCE}). */
  public static final long NO_FENCE = 0;

  public enum Kind {
    AGENT,
    LIVE
  }

  public enum Type {
    CREATED,
    CHANGED,
    DELETED
  }

  /** A change no fence follows. */
  public NodeChange(Kind kind, Type type, String agentId, NodeData before, NodeData after) {
    this(kind, type, agentId, before, after, NO_FENCE);
  }

  /**
   * Whether this change takes the node away: deleted, or replaced by a new one between two looks
   * (changed, with another creation id). A live node's removal is what the classifier decides on.
   */
  public boolean removesNode() {
    return type == Type.DELETED
        || (type == Type.CHANGED && before != null && before.czxid() != after.czxid());
  }

  /** This change, followed by the fence {@code id}. */
  public NodeChange followedBy(long id) {
    return new NodeChange(kind, type, agentId, before, after, id);
  }
}
