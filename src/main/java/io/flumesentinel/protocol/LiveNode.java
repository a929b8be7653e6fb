package io.flumesentinel.protocol;

import io.vertx.core.json.JsonObject;
import java.time.Instant;

/**
 * The data of {@code <root>/live/<id>}: the agent is running.
 *
 * @param pid the agent process id, or -1 when unknown
 * @param startedAt when this run started
 * @param version the agent's software version, free text
 * @param crashCount the agent node's {@code crashCount} when this run started: a higher count in
 *     the agent node after this live node is gone means the supervisor recorded a crash of this run
 */
public record LiveNode(long pid, Instant startedAt, String version, long crashCount) {

  public LiveNode {
    version = version == null ? "" : version;
  }

  public JsonObject toJson() {
    JsonObject json =
        new JsonObject().put("pid", pid).put("version", version).put("crashCount", crashCount);
    if (startedAt != null) {
      json.put("startedAt", startedAt.toString());
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
        crashCount == null ? 0 : crashCount);
  }
}
