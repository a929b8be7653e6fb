package io.flumesentinel.alert;

import io.flumesentinel.event.Addresses;
import io.flumesentinel.event.Alert;
import io.vertx.core.eventbus.EventBus;
import io.vertx.core.json.JsonArray;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Makes an accepted alert transition public: one JSON object on {@link Addresses#ALERTS} (with the
 * silences that mute it in {@code silencedBy}) and one INFO line in the log, the receiver of last
 * resort. The same for agent alerts (from the ledger) and alerts about the monitor itself.
 */
final class AlertPublication {

  private static final Logger log = LoggerFactory.getLogger(AlertPublication.class);

  private AlertPublication() {}

  static void publish(EventBus bus, Alert alert, List<String> silencedBy) {
    log.info(
        "Alert {}: {} {}={} reason={}: {}{}",
        alert.status().wire(),
        alert.alertname(),
        alert.agent() != null ? Alert.AGENT : Alert.MONITOR,
        alert.subject(),
        alert.annotation("reason"),
        alert.firing()
            ? alert.annotation("summary")
            : "resolved (" + alert.annotation("resolution") + ")",
        silencedBy.isEmpty() ? "" : " (silenced by " + String.join(", ", silencedBy) + ")");
    bus.publish(Addresses.ALERTS, alert.toJson().put("silencedBy", new JsonArray(silencedBy)));
  }
}
