package io.flumesentinel.alert;

import io.flumesentinel.event.Alert;
import java.time.Instant;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * One alert in the ledger: its latest transition and, per receiver, the last status that receiver
 * acknowledged for this incident and when it last acknowledged the firing notice, stored as a
 * {@link LedgerRecord}.
 */
final class LedgerEntry {

  static final String FIRING = Alert.Status.FIRING.wire();
  static final String RESOLVED = Alert.Status.RESOLVED.wire();

  Alert alert;

  /** Receiver → status it acknowledged for this incident; persisted. */
  final Map<String, String> sent = new HashMap<>();

  /**
   * Receiver → when it last acknowledged the firing notice of this incident (first or repeat), the
   * start of its repeat interval; persisted.
   */
  final Map<String, Instant> notifiedAt = new HashMap<>();

  /** Receivers that were handed this incident since this monitor started; not persisted. */
  final Set<String> dispatched = new HashSet<>();

  /** The silences that muted it when last looked at (empty: not muted); not persisted. */
  List<String> silencedBy = List.of();

  LedgerEntry(Alert alert) {
    this.alert = alert;
  }

  boolean sentFiring(String receiver) {
    return FIRING.equals(sent.get(receiver));
  }

  /** Whether {@code receiver} may have the firing notice and so is owed the resolved one. */
  boolean owesResolved(String receiver) {
    return dispatched.contains(receiver) || sentFiring(receiver);
  }

  /** What is stored of this entry now: a snapshot, unaffected by later changes. */
  LedgerRecord record() {
    return new LedgerRecord(alert, sent, notifiedAt);
  }

  byte[] toBytes() {
    return record().toBytes();
  }

  /** The entry of a stored record, as it was stored. */
  static LedgerEntry of(LedgerRecord record) {
    LedgerEntry entry = new LedgerEntry(record.alert());
    entry.sent.putAll(record.sent());
    entry.notifiedAt.putAll(record.notifiedAt());
    return entry;
  }
}
