package io.flumesentinel.history;

import io.vertx.core.json.JsonObject;
import java.util.List;

/**
 * The history's side of a rehearsed storm: the published transitions and delivery attempts turned
 * into records as the {@link HistoryWriterVerticle} turns them, but nothing is written. See {@code
 * StormRehearsal} in the monitor.
 */
public final class HistoryRehearsal {

  private HistoryRehearsal() {}

  /**
   * The records of {@code transitions} (as published on {@code flume.sentinel.alerts}) and {@code
   * attempts} (as published on {@code flume.sentinel.deliveries}); returns how many there are.
   */
  public static int records(List<JsonObject> transitions, List<JsonObject> attempts) {
    int records = 0;
    for (JsonObject transition : transitions) {
      HistoryRecords.transition(transition);
      records++;
    }
    for (JsonObject attempt : attempts) {
      records += HistoryRecords.deliveries(attempt).size();
    }
    return records;
  }
}
