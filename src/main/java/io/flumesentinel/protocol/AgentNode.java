package io.flumesentinel.protocol;

import io.vertx.core.json.JsonObject;
import java.time.Instant;
import java.util.Map;
import java.util.TreeMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The data of {@code <root>/agents/<id>}: the agent is registered.
 *
 * <p>A supervisor adds {@code crashCount} and {@code lastExit} each time the process it runs ends
 * unexpectedly, <em>before</em> it removes the live node, so that whoever sees the live node go can
 * read why. Unknown fields are ignored when reading, so newer writers do not break older monitors.
 *
 * <p>Anyone who can write to ZooKeeper can write this node, so {@link #parse} makes what it reads
 * safe to carry to logs and receivers: host, group and label values one line of at most {@value
 * UntrustedText#MAX_VALUE_CHARS} characters, label names Prometheus label names (others renamed or
 * dropped, and logged), the stderr tail at most {@value ExitRecord#MAX_STDERR_TAIL} characters
 * without control characters but line breaks.
 *
 * <p>{@code health} is optional (a supervisor that watches Flume's metrics writes it when the
 * status changes); a garbled health object is read as absent, and logged, so it never hides the
 * rest of the node. So is {@code resources} ({@link ResourceHealth}: memory and GC verdicts of a
 * supervisor that measures the process).
 */
public record AgentNode(
    String host,
    String group,
    Map<String, String> labels,
    Instant registeredAt,
    long crashCount,
    ExitRecord lastExit,
    Health health,
    ResourceHealth resources) {

  private static final Logger log = LoggerFactory.getLogger(AgentNode.class);

  public static final String DEFAULT_GROUP = "default";

  /**
   * The most bytes of JSON an agent node may take: a supervisor writes no more, and a monitor reads
   * no more (a supervisor writes a few KB; a node this large stays far from ZooKeeper's 1 MB limit,
   * and a fleet of them is read in a few requests).
   */
  public static final int MAX_BYTES = 64 * 1024;

  public AgentNode {
    host = host == null || host.isBlank() ? "unknown" : host;
    group = group == null || group.isBlank() ? DEFAULT_GROUP : group;
    labels = Map.copyOf(labels == null ? Map.of() : labels);
  }

  /** An agent node without resource verdicts. */
  public AgentNode(
      String host,
      String group,
      Map<String, String> labels,
      Instant registeredAt,
      long crashCount,
      ExitRecord lastExit,
      Health health) {
    this(host, group, labels, registeredAt, crashCount, lastExit, health, null);
  }

  /** An agent node without health. */
  public AgentNode(
      String host,
      String group,
      Map<String, String> labels,
      Instant registeredAt,
      long crashCount,
      ExitRecord lastExit) {
    this(host, group, labels, registeredAt, crashCount, lastExit, null);
  }

  public static AgentNode of(String host, String group, Map<String, String> labels) {
    return new AgentNode(host, group, labels, Instant.now(), 0, null);
  }

  /** This node after one more unexpected exit. */
  public AgentNode withCrash(ExitRecord exit) {
    return new AgentNode(
        host, group, labels, registeredAt, crashCount + 1, exit, health, resources);
  }

  /** This node with {@code health} ({@code null}: none). */
  public AgentNode withHealth(Health health) {
    return new AgentNode(
        host, group, labels, registeredAt, crashCount, lastExit, health, resources);
  }

  /** This node with {@code resources} ({@code null}: none). */
  public AgentNode withResources(ResourceHealth resources) {
    return new AgentNode(
        host, group, labels, registeredAt, crashCount, lastExit, health, resources);
  }

  public JsonObject toJson() {
    JsonObject json =
        new JsonObject()
            .put("host", host)
            .put("group", group)
            .put("labels", new JsonObject(new TreeMap<String, Object>(labels)))
            .put("crashCount", crashCount);
    if (registeredAt != null) {
      json.put("registeredAt", registeredAt.toString());
    }
    if (lastExit != null) {
      json.put("lastExit", lastExit.toJson());
    }
    if (health != null) {
      json.put("health", health.toJson());
    }
    if (resources != null) {
      json.put("resources", resources.toJson());
    }
    return json;
  }

  public byte[] toBytes() {
    return Json.bytes(toJson());
  }

  /**
   * Reads an agent node.
   *
   * @throws NodeDataException saying what is wrong, when the data is not an agent node
   */
  public static AgentNode parse(byte[] data) throws NodeDataException {
    JsonObject json = Json.parse(data, "agent");
    Long crashCount = Json.number(json, "crashCount", "agent");
    Object lastExit = json.getValue("lastExit");
    if (lastExit != null && !(lastExit instanceof JsonObject)) {
      throw new NodeDataException("agent.lastExit must be an object");
    }
    return new AgentNode(
        Json.line(json, "host", "agent"),
        Json.line(json, "group", "agent"),
        Json.labels(json, "labels", "agent"),
        Json.instant(json, "registeredAt", "agent"),
        crashCount == null ? 0 : crashCount,
        lastExit == null ? null : ExitRecord.fromJson((JsonObject) lastExit),
        health(json.getValue("health")),
        resources(json.getValue("resources")));
  }

  private static ResourceHealth resources(Object value) {
    if (value == null) {
      return null;
    }
    try {
      return ResourceHealth.fromJson(value);
    } catch (NodeDataException e) {
      log.warn("Agent node: ignoring its resources ({})", e.getMessage());
      return null;
    }
  }

  private static Health health(Object value) {
    if (value == null) {
      return null;
    }
    try {
      return Health.fromJson(value);
    } catch (NodeDataException e) {
      log.warn("Agent node: ignoring its health ({})", e.getMessage());
      return null;
    }
  }
}
