package io.flumesentinel.event;

/**
 * One change of an agent or live node, seen by the watch after its initial load.
 *
 * @param before the node as last seen; {@code null} when created, or when it was deleted before it
 *     could be read (it existed, but its data is unknown)
 * @param after the node now, {@code null} when deleted
 */
public record NodeChange(Kind kind, Type type, String agentId, NodeData before, NodeData after) {

  public enum Kind {
    AGENT,
    LIVE
  }

  public enum Type {
    CREATED,
    CHANGED,
    DELETED
  }
}
