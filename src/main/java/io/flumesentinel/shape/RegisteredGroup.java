package io.flumesentinel.shape;

import io.flumesentinel.event.NodeData;
import io.flumesentinel.protocol.AgentNode;
import io.flumesentinel.protocol.NodeDataException;
import java.util.HashMap;
import java.util.Map;

/**
 * The group an agent node names, as the agent's alerts are labelled: an agent node that cannot be
 * read (garbled, or over {@link AgentNode#MAX_BYTES}) puts its agent in {@link
 * AgentNode#DEFAULT_GROUP}, as its alerts say. Pure.
 */
final class RegisteredGroup {

  private RegisteredGroup() {}

  static String of(NodeData node) {
    if (node.data().length > AgentNode.MAX_BYTES) {
      return AgentNode.DEFAULT_GROUP;
    }
    try {
      return AgentNode.parse(node.data()).group();
    } catch (NodeDataException e) {
      return AgentNode.DEFAULT_GROUP;
    }
  }

  /** The group of each agent of a load. */
  static Map<String, String> of(Map<String, NodeData> agents) {
    Map<String, String> groups = new HashMap<>(agents.size() * 2);
    agents.forEach((id, node) -> groups.put(id, of(node)));
    return groups;
  }
}
