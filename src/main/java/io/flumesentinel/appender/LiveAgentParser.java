package io.flumesentinel.appender;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.Optional;

/**
 * Reads where an agent's Avro source listens from its live node ({@code <root>/live/<id>}), as a
 * supervisor started with {@code --advertise NAME=HOST:PORT} writes it: {@code "group": "…",
 * "advertise": {"NAME": "HOST:PORT"}}. The data is untrusted: over {@link #MAX_BYTES} it is not
 * parsed, and anything not of the expected shape means "not an agent to send to".
 */
final class LiveAgentParser {

  /** A supervisor's live node is a few hundred bytes; the cap keeps a hostile node harmless. */
  static final int MAX_BYTES = 16 * 1024;

  private static final ObjectMapper JSON = new ObjectMapper();

  private final String group;
  private final String advertiseName;

  LiveAgentParser(String group, String advertiseName) {
    this.group = group;
    this.advertiseName = advertiseName;
  }

  /**
   * The agent {@code id}'s endpoint if its live node puts it in this group and advertises the
   * endpoint; empty otherwise.
   *
   * @throws IllegalArgumentException when the data is too large or not the expected JSON (the
   *     message never quotes the data)
   */
  Optional<AgentAddress> parse(String id, byte[] data) {
    if (data == null || data.length == 0) {
      return Optional.empty();
    }
    if (data.length > MAX_BYTES) {
      throw new IllegalArgumentException(
          "live node of " + data.length + " bytes (limit " + MAX_BYTES + ") not read");
    }
    JsonNode node;
    try {
      node = JSON.readTree(data);
    } catch (Exception e) {
      throw new IllegalArgumentException("live node is not JSON");
    }
    if (node == null || !node.isObject()) {
      throw new IllegalArgumentException("live node is not a JSON object");
    }
    JsonNode nodeGroup = node.get("group");
    if (nodeGroup == null || !nodeGroup.isTextual() || !group.equals(nodeGroup.asText())) {
      return Optional.empty();
    }
    JsonNode advertise = node.get("advertise");
    if (advertise == null || !advertise.isObject()) {
      return Optional.empty();
    }
    JsonNode endpoint = advertise.get(advertiseName);
    if (endpoint == null || !endpoint.isTextual()) {
      return Optional.empty();
    }
    try {
      return Optional.of(AgentAddress.parse(id, endpoint.asText()));
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException("advertise." + advertiseName + ": " + e.getMessage());
    }
  }
}
