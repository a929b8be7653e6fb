package io.flumesentinel.protocol;

import io.vertx.core.json.JsonObject;
import java.time.Instant;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Pattern;

/**
 * The data of {@code <root>/live/<id>}: the agent is running.
 *
 * @param pid the agent process id, or -1 when unknown
 * @param startedAt when this run started
 * @param version the agent's software version, free text
 * @param crashCount the agent node's {@code crashCount} when this run started: a higher count in
 *     the agent node after this live node is gone means the supervisor recorded a crash of this run
 * @param group the agent's group (as in its agent node), empty when not written: lets a reader of
 *     the live nodes alone (the log appender's discovery) pick a group's running agents
 * @param advertise endpoints the agent serves, by name ({@code avro} → {@code HOST:PORT}, from the
 *     supervisor's {@code --advertise}); at most {@link #MAX_ADVERTISED}
 */
public record LiveNode(
    long pid,
    Instant startedAt,
    String version,
    long crashCount,
    String group,
    Map<String, String> advertise) {

  /** Most endpoints one live node advertises: the node stays a few hundred bytes. */
  public static final int MAX_ADVERTISED = 8;

  /** An endpoint's name. */
  public static final Pattern ADVERTISE_NAME = Pattern.compile("[A-Za-z0-9._-]{1,64}");

  /** An endpoint: {@code HOST:PORT} (an IPv6 host in brackets). */
  public static final Pattern ADVERTISE_ENDPOINT =
      Pattern.compile("(\\[[0-9A-Fa-f:.]+\\]|[A-Za-z0-9._-]{1,253}):[0-9]{1,5}");

  public LiveNode {
    version = version == null ? "" : version;
    group = group == null ? "" : group;
    advertise = advertise == null ? Map.of() : Map.copyOf(advertise);
  }

  /** A live node without group or advertised endpoints. */
  public LiveNode(long pid, Instant startedAt, String version, long crashCount) {
    this(pid, startedAt, version, crashCount, "", Map.of());
  }

  public JsonObject toJson() {
    JsonObject json =
        new JsonObject().put("pid", pid).put("version", version).put("crashCount", crashCount);
    if (startedAt != null) {
      json.put("startedAt", startedAt.toString());
    }
    if (!group.isEmpty()) {
      json.put("group", group);
    }
    if (!advertise.isEmpty()) {
      json.put("advertise", new JsonObject(new TreeMap<String, Object>(advertise)));
    }
    return json;
  }

  public byte[] toBytes() {
    return Json.bytes(toJson());
  }

  public static LiveNode parse(byte[] data) throws NodeDataException {
    JsonObject json = Json.parse(data, "live");
    Long pid = Json.number(json, "pid", "live");
    Long crashCount = Json.number(json, "crashCount", "live");
    return new LiveNode(
        pid == null ? -1 : pid,
        Json.instant(json, "startedAt", "live"),
        Json.line(json, "version", "live"),
        crashCount == null ? 0 : crashCount,
        Json.line(json, "group", "live"),
        advertised(json.getValue("advertise")));
  }

  /**
   * The advertised endpoints that follow the rules; anything else is left out rather than making
   * the node unreadable, since the monitor reads the live node for its crash count.
   */
  private static Map<String, String> advertised(Object value) {
    Map<String, String> endpoints = new TreeMap<>();
    if (value instanceof JsonObject object) {
      for (String name : new TreeMap<>(object.getMap()).keySet()) {
        Object endpoint = object.getValue(name);
        if (endpoints.size() < MAX_ADVERTISED
            && ADVERTISE_NAME.matcher(name).matches()
            && endpoint instanceof String text
            && ADVERTISE_ENDPOINT.matcher(text).matches()) {
          endpoints.put(name, text);
        }
      }
    }
    return endpoints;
  }
}
