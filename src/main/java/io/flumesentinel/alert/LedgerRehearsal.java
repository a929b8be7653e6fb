package io.flumesentinel.alert;

import io.flumesentinel.config.WebhookReceiverConfig;
import io.flumesentinel.event.Alert;
import io.flumesentinel.event.Delivered;
import io.flumesentinel.event.Notice;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.time.Clock;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A storm of alerts played through a ledger of its own: decided, recorded and published as the
 * ledger's verticle does, but nothing is written to ZooKeeper and nothing is sent. See {@code
 * StormRehearsal} in the monitor.
 */
public final class LedgerRehearsal {

  /**
   * What the ledger decided in a rehearsal.
   *
   * @param notices the notices of the firing alerts by receiver, in order
   * @param published each transition's JSON as a local consumer of {@code flume.sentinel.alerts}
   *     gets it: a copy, as the event bus makes one for each
   */
  public record Played(Map<String, List<Notice>> notices, List<JsonObject> published) {}

  /** Alerts acknowledged together, as a notifier does for one webhook request. */
  private static final int BATCH = WebhookReceiverConfig.DEFAULT_MAX_BATCH;

  private LedgerRehearsal() {}

  /**
   * Fires {@code alerts}, acknowledges them for each receiver that got them, then resolves them;
   * returns the notices of the firing alerts, for the notifiers' encoding, and the publications.
   */
  public static Played play(
      List<String> receivers, Router router, Clock clock, List<Alert> alerts) {
    Ledger ledger = new Ledger(receivers, router, labels -> List.of(), clock);
    Map<String, List<Notice>> notices = new LinkedHashMap<>();
    List<JsonObject> published = new ArrayList<>();
    for (Alert alert : alerts) {
      LedgerEffects effects = ledger.transition(alert);
      carryOut(effects, published);
      effects
          .notices()
          .forEach(
              dispatch ->
                  notices
                      .computeIfAbsent(dispatch.receiver(), r -> new ArrayList<>())
                      .add(dispatch.notice()));
    }
    notices.forEach(
        (receiver, sent) -> {
          for (int from = 0; from < sent.size(); from += BATCH) {
            List<Alert> batch =
                sent.subList(from, Math.min(sent.size(), from + BATCH)).stream()
                    .map(Notice::alert)
                    .toList();
            carryOut(ledger.delivered(new Delivered(receiver, batch)), published);
          }
        });
    for (Alert alert : alerts) {
      carryOut(ledger.transition(alert.resolve(clock.instant(), Map.of())), published);
    }
    return new Played(notices, published);
  }

  /**
   * What the verticle does with the effects, short of writing and sending: the encodings, and the
   * copy of each publication that a local consumer gets, added to {@code published}.
   */
  private static void carryOut(LedgerEffects effects, List<JsonObject> published) {
    for (LedgerEffects.RecordChange change : effects.records()) {
      if (change instanceof LedgerEffects.RecordChange.Write write) {
        write.record().toBytes();
      }
    }
    for (LedgerEffects.Publication publication : effects.publications()) {
      JsonObject json =
          publication.alert().toJson().put("silencedBy", new JsonArray(publication.silencedBy()));
      json.encode();
      published.add(json.copy());
    }
  }
}
