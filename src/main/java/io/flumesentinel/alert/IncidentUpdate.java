package io.flumesentinel.alert;

import io.flumesentinel.event.Alert;
import io.flumesentinel.event.Ending;
import io.flumesentinel.event.Reason;
import java.time.Instant;
import java.util.Map;

/**
 * What a firing alert adds to the firing incident the ledger holds under the same key: the same
 * incident is the one on record from its first firing transition until it resolves, whatever {@code
 * startsAt} the new transition carries (a monitor that took over, or restarted, derives the
 * incident again on its own clock because it did not see the agent go).
 *
 * <p>Of the reasons a down alert can give, the more specific one wins: {@code CRASHED} (the
 * supervisor recorded the exit) over {@code SESSION_LOST} (the live node expired, seen by a
 * monitor) over {@code NOT_RUNNING} (registered without a live node, nobody saw it go). A monitor
 * that knows less is not news; one that knows more refines the record without paging anyone again.
 * Any other difference (another crash, another summary, other labels and so another fingerprint) is
 * news, as before. Pure.
 */
enum IncidentUpdate {
  /** Nothing the record does not say already. */
  SAME,
  /** A less specific reason than the one on record: the record stands, nothing is sent. */
  VAGUER,
  /**
   * A more specific reason: the record takes it and it is published as an update, but only
   * receivers never handed the incident are sent it.
   */
  REFINED,
  /** The incident says something new: every receiver is sent it again. */
  NEWS;

  /**
   * How {@code update} (already carrying the record's {@code startsAt}) relates to {@code held},
   * both firing alerts of the same key.
   */
  static IncidentUpdate of(Alert held, Alert update) {
    // The link is each monitor's own address unless externalUrl is configured: a monitor that took
    // over links elsewhere, which is no news about the incident.
    Alert sameLink =
        new Alert(
            update.status(),
            update.labels(),
            update.annotations(),
            update.startsAt(),
            update.endsAt(),
            held.generatorUrl());
    if (sameLink.equals(held)) {
      return SAME;
    }
    int before = specificity(held);
    int after = specificity(update);
    if (before == 0 || after == 0 || before == after || !update.labels().equals(held.labels())) {
      return NEWS;
    }
    return after < before ? VAGUER : REFINED;
  }

  /**
   * The resolved notice of the incident on record, {@code held}, from a resolution that may carry a
   * vaguer reason than the record's (derived by a monitor that saw less): the record's annotations
   * stay, with how, when and after how long it ended ({@link Ending}).
   */
  static Alert resolvedAs(Alert held, Alert resolution) {
    Alert aligned = resolution.withStartsAt(held.startsAt());
    if (specificity(resolution) >= specificity(held)) {
      return aligned;
    }
    String how = resolution.annotation("resolution");
    Instant at = resolution.endsAt() == null ? held.startsAt() : resolution.endsAt();
    if (how == null) {
      return held.resolve(at, Map.of());
    }
    String pid = resolution.annotation(Ending.RUNNING_PID);
    return Ending.resolve(held, how, at, pid == null ? Map.of() : Map.of(Ending.RUNNING_PID, pid));
  }

  /** 3 CRASHED, 2 SESSION_LOST, 1 NOT_RUNNING; 0 for any other (or no) reason. */
  private static int specificity(Alert alert) {
    String reason = alert.annotation("reason");
    if (reason == null) {
      return 0;
    }
    if (reason.equals(Reason.CRASHED.name())) {
      return 3;
    }
    if (reason.equals(Reason.SESSION_LOST.name())) {
      return 2;
    }
    return reason.equals(Reason.NOT_RUNNING.name()) ? 1 : 0;
  }
}
