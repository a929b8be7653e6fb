package io.flumesentinel.alert;

import io.flumesentinel.event.Alert;
import io.flumesentinel.event.Delivered;
import io.flumesentinel.event.Ending;
import io.flumesentinel.event.Reconciliation;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The alert ledger's decisions: what is firing, what each receiver was handed and acknowledged, and
 * so who is notified of what, and when. Pure: each input (a transition, a reconciliation, an
 * acknowledgement, a change of silences, the reminder timer) changes the entries and answers {@link
 * LedgerEffects} for {@link AlertLedgerVerticle} to carry out; the time is the injected clock's,
 * and nothing here does I/O.
 *
 * <p>Who is notified: a firing alert goes to every receiver its {@link Router route} names that has
 * not acknowledged it for this incident; a resolved one only to receivers that may have its firing
 * notice, whatever the route says now (so a receiver is never left with an incident that does not
 * end). An incident nobody was told about is forgotten when it resolves. Every accepted transition
 * is published; a receiver's acknowledgement is recorded, and only that is stored.
 *
 * <p>Silences: a firing alert that an active silence mutes is recorded and published (with the ids
 * of those silences) but handed to nobody; when the silences change, what they no longer mute goes
 * to its receivers then. A resolved notice is never muted.
 *
 * <p>Repeats: a receiver that acknowledged a firing alert is handed it again once its route's
 * repeat interval has passed since that acknowledgement, while it fires, the routes name the
 * receiver and no silence mutes it ({@link Reminders}). A repeat is the same incident and is not
 * published. The times are stored, so a restart does not reset them.
 *
 * <p>Acknowledgements: a firing alert someone acknowledged (took in hand) is not repeated to anyone
 * until it resolves; its resolved notice goes out as any other, and the acknowledgement is removed
 * then. One that holds for no firing alert (its incident ended, or never was) is removed when the
 * acknowledgements change; when one is removed while its alert still fires, the reminders due
 * meanwhile go out.
 *
 * <p>Incidents: a firing alert of a key whose record fires is the same incident, whatever its
 * {@code startsAt}: it keeps the record's (a monitor that took over or restarted derives the
 * incident again on its own clock). A re-derivation with a vaguer reason ({@code NOT_RUNNING} after
 * {@code SESSION_LOST}, either after {@code CRASHED}) changes nothing and sends nothing; a more
 * specific one updates the record and is published, but goes only to receivers never handed the
 * incident; anything else new goes to every receiver again ({@link IncidentUpdate}). The resolved
 * notice keeps the record's reason. So neither a handover nor a restart pages a receiver twice for
 * an incident it acknowledged.
 *
 * <p>A notice counts as handed ({@link LedgerEntry#dispatched}) once it is in the effects: the
 * runner must hand it over, or hand over nothing more at all (a fenced-off ledger, whose term has
 * ended, sends and publishes nothing again).
 *
 * <p>Every alert is {@link RecordLimits fitted} to the bounds of a record as it comes in, so the
 * alert recorded, handed and published is one and the same, whatever size its agent node has. Used
 * from one thread at a time.
 */
final class Ledger {

  /** Which active silences mute an alert with these labels now. */
  @FunctionalInterface
  interface Muting {
    /** The ids of the silences that mute an alert with {@code labels} now; empty if none. */
    List<String> silencedBy(Map<String, String> labels);
  }

  /** Which firing alerts someone acknowledged, so that their reminders are held. */
  interface Acknowledgements {

    /** Whether the incident of {@code firing} is acknowledged now. */
    boolean acknowledged(Alert firing);

    /** Fingerprint → start of the incident acknowledged, for every acknowledgement known. */
    Map<String, Instant> known();
  }

  /** No acknowledgements at all. */
  static final Acknowledgements NO_ACKNOWLEDGEMENTS =
      new Acknowledgements() {
        @Override
        public boolean acknowledged(Alert firing) {
          return false;
        }

        @Override
        public Map<String, Instant> known() {
          return Map.of();
        }
      };

  private static final Logger log = LoggerFactory.getLogger(Ledger.class);

  private final List<String> receivers;
  private final Router router;
  private final Muting silences;
  private final Acknowledgements acks;
  private final Clock clock;
  private final Map<String, LedgerEntry> entries = new HashMap<>();

  /**
   * @param receivers every receiver, including those no route names now: one may still be owed the
   *     resolved notice of an incident it was told about before a change of routes
   * @param clock the time of acknowledgements, repeats and of resolutions found at reconciliation
   */
  Ledger(List<String> receivers, Router router, Muting silences, Clock clock) {
    this(receivers, router, silences, NO_ACKNOWLEDGEMENTS, clock);
  }

  /**
   * @param acks the acknowledgements, whose alerts are not repeated
   */
  Ledger(
      List<String> receivers, Router router, Muting silences, Acknowledgements acks, Clock clock) {
    this.receivers = List.copyOf(receivers);
    this.router = router;
    this.silences = silences;
    this.acks = acks;
    this.clock = clock;
  }

  /**
   * Takes the records stored by an earlier run. Nothing is sent yet: what is owed is decided at the
   * {@link #reconcile reconciliation} that follows. A receiver whose acknowledgement of a firing
   * alert has no time (a record written before repeats were recorded) starts its repeat interval
   * now.
   */
  void load(Collection<LedgerRecord> stored) {
    Instant now = clock.instant();
    for (LedgerRecord record : stored) {
      LedgerEntry entry = LedgerEntry.of(record);
      entry.sent.keySet().stream()
          .filter(entry::sentFiring)
          .forEach(receiver -> entry.notifiedAt.putIfAbsent(receiver, now));
      entries.put(entry.alert.key(), entry);
    }
  }

  /** How many alerts are on record. */
  int size() {
    return entries.size();
  }

  /** A transition from the pipeline: a new or changed firing alert, or a resolution. */
  LedgerEffects transition(Alert alert) {
    LedgerEffects.Builder out = new LedgerEffects.Builder();
    transition(alert, out);
    return out.build();
  }

  /**
   * The classifier's verdict on the state at start-up: every alert in it fires (those on record and
   * acknowledged are not sent again), and every alert on record that is not in it ended while no
   * monitor watched ({@code RECOVERED} if its agent runs, {@code STOPPED} otherwise). Then the
   * reminders due are sent.
   */
  LedgerEffects reconcile(Reconciliation reconciliation) {
    LedgerEffects.Builder out = new LedgerEffects.Builder();
    Set<String> firingKeys = new HashSet<>();
    for (Alert alert : reconciliation.firing()) {
      firingKeys.add(alert.key());
      transition(alert, out);
    }
    for (LedgerEntry entry : new ArrayList<>(entries.values())) {
      if (firingKeys.contains(entry.alert.key())) {
        continue;
      }
      if (entry.alert.firing()) {
        String how =
            reconciliation.running().contains(entry.alert.agent()) ? "RECOVERED" : "STOPPED";
        resolve(entry, Ending.resolve(entry.alert, how, clock.instant(), Map.of()), out);
      } else {
        resolve(entry, entry.alert, out);
      }
    }
    removeStaleAcks(out);
    remind(out);
    return out.build();
  }

  /**
   * A receiver acknowledged these alerts: recorded, so a restart does not send them again. The
   * acknowledgement of a firing alert starts its repeat interval for that receiver. A resolved
   * incident is forgotten once nobody is owed anything more.
   */
  LedgerEffects delivered(Delivered delivered) {
    LedgerEffects.Builder out = new LedgerEffects.Builder();
    for (Alert alert : delivered.alerts()) {
      LedgerEntry entry = entries.get(alert.key());
      if (entry == null || !entry.alert.startsAt().equals(alert.startsAt())) {
        continue; // an older incident, already superseded
      }
      entry.sent.put(delivered.receiver(), alert.status().wire());
      if (alert.status() == entry.alert.status()) {
        entry.dispatched.remove(delivered.receiver());
      }
      if (alert.firing() && entry.alert.firing()) {
        Instant now = clock.instant();
        entry.notifiedAt.put(delivered.receiver(), now);
        Duration interval = router.dispatch(entry.alert, delivered.receiver()).repeatInterval();
        out.remindBy(now.plus(interval));
      }
      if (!entry.alert.firing()
          && entry.dispatched.isEmpty()
          && receivers.stream().noneMatch(entry::sentFiring)) {
        forget(entry, out);
      } else {
        out.write(entry.record());
      }
    }
    return out.build();
  }

  /**
   * The silences changed, or one started or ended: each firing alert they no longer mute goes to
   * the receivers never handed it; one whose silences changed is published again; reminders held
   * back while it was muted may be due now.
   */
  LedgerEffects silencesChanged() {
    LedgerEffects.Builder out = new LedgerEffects.Builder();
    for (LedgerEntry entry : new ArrayList<>(entries.values())) {
      if (entry.alert.firing()) {
        List<String> before = entry.silencedBy;
        transition(entry.alert, out);
        if (!entry.silencedBy.equals(before)) {
          out.publish(entry.alert, entry.silencedBy);
        }
      }
    }
    remind(out);
    return out.build();
  }

  /**
   * The acknowledgements changed: those that hold for no firing alert are removed; reminders held
   * back by one that was removed may be due now.
   */
  LedgerEffects acknowledgementsChanged() {
    LedgerEffects.Builder out = new LedgerEffects.Builder();
    removeStaleAcks(out);
    remind(out);
    return out.build();
  }

  /** Removes the acknowledgements that hold for no firing alert. */
  private void removeStaleAcks(LedgerEffects.Builder out) {
    Map<String, Instant> known = acks.known();
    if (known.isEmpty()) {
      return;
    }
    Map<String, Instant> firing = new HashMap<>();
    for (LedgerEntry entry : entries.values()) {
      if (entry.alert.firing()) {
        firing.put(entry.alert.fingerprint(), entry.alert.startsAt());
      }
    }
    known.forEach(
        (fingerprint, startsAt) -> {
          if (!startsAt.equals(firing.get(fingerprint))) {
            out.removeAck(fingerprint, startsAt);
          }
        });
  }

  /** The reminder timer fired: the reminders due now, and when to look again. */
  LedgerEffects remind() {
    LedgerEffects.Builder out = new LedgerEffects.Builder();
    remind(out);
    return out.build();
  }

  private void transition(Alert given, LedgerEffects.Builder out) {
    Alert alert = RecordLimits.fit(given); // what is recorded is what is sent
    LedgerEntry entry = entries.get(alert.key());
    if (!alert.firing()) {
      if (entry != null && entry.alert.firing()) {
        resolve(entry, IncidentUpdate.resolvedAs(entry.alert, alert), out);
      }
      return;
    }
    if (entry != null && entry.alert.firing()) {
      Alert continued = alert.withStartsAt(entry.alert.startsAt());
      switch (IncidentUpdate.of(entry.alert, continued)) {
        case SAME, VAGUER -> {
          // Nothing new (a restart's or a takeover's reconciliation, a change of silences, a
          // monitor that did not see the agent go): the record stands; only receivers never
          // handed it get it, unless it is muted.
          handToTheUntold(entry, out);
          return;
        }
        case REFINED -> {
          // The same incident, better explained: recorded and published as an update, but a
          // receiver that has it is not paged again.
          entry.alert = continued;
          handToTheUntold(entry, out);
          out.publish(entry.alert, entry.silencedBy);
          out.write(entry.record());
          return;
        }
        case NEWS -> entry.alert = continued;
      }
    } else {
      entry = new LedgerEntry(alert);
      entries.put(alert.key(), entry);
    }
    entry.silencedBy = silences.silencedBy(entry.alert.labels());
    if (entry.silencedBy.isEmpty()) {
      for (Dispatch dispatch : router.dispatches(entry.alert)) {
        hand(entry, dispatch, out);
      }
    }
    out.publish(entry.alert, entry.silencedBy);
    out.write(entry.record());
  }

  /**
   * The firing incident on record goes to each receiver its routes name that neither acknowledged
   * it nor was handed it since this monitor started, unless a silence mutes it.
   */
  private void handToTheUntold(LedgerEntry entry, LedgerEffects.Builder out) {
    entry.silencedBy = silences.silencedBy(entry.alert.labels());
    if (!entry.silencedBy.isEmpty()) {
      return;
    }
    for (Dispatch dispatch : router.dispatches(entry.alert)) {
      if (!entry.sentFiring(dispatch.receiver())
          && !entry.dispatched.contains(dispatch.receiver())) {
        hand(entry, dispatch, out);
      }
    }
  }

  /**
   * Ends an incident: the resolved notice goes to each receiver that may have its firing notice and
   * has not acknowledged the resolved one. An incident nobody was told about is simply forgotten.
   */
  private void resolve(LedgerEntry entry, Alert resolved, LedgerEffects.Builder out) {
    boolean wasFiring = entry.alert.firing();
    List<String> owed =
        receivers.stream()
            .filter(entry::owesResolved)
            .filter(r -> !LedgerEntry.RESOLVED.equals(entry.sent.get(r)))
            .toList();
    if (wasFiring && acks.known().containsKey(entry.alert.fingerprint())) {
      out.removeAck(entry.alert.fingerprint(), entry.alert.startsAt());
    }
    entry.alert = resolved;
    entry.dispatched.clear();
    if (wasFiring) {
      out.publish(resolved, silences.silencedBy(resolved.labels()));
    }
    if (owed.isEmpty()) {
      forget(entry, out);
      return;
    }
    owed.forEach(receiver -> hand(entry, router.dispatch(resolved, receiver), out));
    out.write(entry.record());
  }

  /** Adds the reminders that are due, and when the next one is. */
  private void remind(LedgerEffects.Builder out) {
    Reminders.Due due =
        Reminders.due(entries.values(), router, acks::acknowledged, clock.instant());
    Map<String, Integer> counts = new TreeMap<>();
    for (Reminders.Reminder reminder : due.now()) {
      hand(reminder.entry(), reminder.dispatch(), out);
      counts.merge(reminder.dispatch().receiver(), 1, Integer::sum);
    }
    if (!counts.isEmpty()) {
      log.info("Reminding of still-firing alerts (receiver=count): {}", counts);
    }
    if (due.next() != null) {
      out.remindBy(due.next());
    }
  }

  /** The one way a notice leaves the ledger: to one receiver, recorded as handed. */
  private static void hand(LedgerEntry entry, Dispatch dispatch, LedgerEffects.Builder out) {
    entry.dispatched.add(dispatch.receiver());
    out.notice(dispatch);
  }

  private void forget(LedgerEntry entry, LedgerEffects.Builder out) {
    entries.remove(entry.alert.key(), entry);
    out.delete(entry.alert.key());
  }
}
