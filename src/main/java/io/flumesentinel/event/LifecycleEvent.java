package io.flumesentinel.event;

import io.vertx.core.json.JsonObject;
import java.time.Instant;

/** Something happened to an agent that is worth knowing but not worth paging anyone for. */
public record LifecycleEvent(Type type, String agentId, Instant at, String detail) {

  public enum Type {
    REGISTERED,
    STARTED,
    STOPPED,
    DEREGISTERED,
    CRASHED,
    SESSION_LOST,
    RESTARTED
  }

  public JsonObject toJson() {
    return new JsonObject()
        .put("type", type.name())
        .put("agent", agentId)
        .put("at", at.toString())
        .put("detail", detail == null ? "" : detail);
  }
}
