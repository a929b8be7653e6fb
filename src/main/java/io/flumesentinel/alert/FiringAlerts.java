package io.flumesentinel.alert;

import java.util.Collection;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The alerts of the ledger that fire, counted by alert name, kept current from the records the
 * ledger writes: one update per record change, never a pass over the whole ledger. Written from the
 * ledger's context only, read from any thread (the metrics); a reading is consistent per name, not
 * across names.
 */
public final class FiringAlerts {

  /** Alert name by key, for every firing alert. */
  private final Map<String, String> firing = new ConcurrentHashMap<>();

  private final Map<String, Integer> counts = new ConcurrentHashMap<>();

  /** Takes the records loaded at start. */
  void load(Collection<LedgerRecord> records) {
    firing.clear();
    counts.clear();
    records.forEach(this::written);
  }

  /** Follows one change the ledger makes to its records. */
  void changed(LedgerEffects.RecordChange change) {
    if (change instanceof LedgerEffects.RecordChange.Write write) {
      written(write.record());
    } else {
      gone(change.key());
    }
  }

  private void written(LedgerRecord record) {
    String key = record.alert().key();
    if (record.alert().firing()) {
      String alertname = record.alert().alertname();
      String before = firing.put(key, alertname);
      if (!alertname.equals(before)) {
        counts.merge(alertname, 1, Integer::sum);
        if (before != null) {
          decrement(before);
        }
      }
    } else {
      gone(key);
    }
  }

  private void gone(String key) {
    String before = firing.remove(key);
    if (before != null) {
      decrement(before);
    }
  }

  private void decrement(String alertname) {
    counts.computeIfPresent(alertname, (name, count) -> count <= 1 ? null : count - 1);
  }

  /** How many alerts fire now, by alert name, sorted by name; names with none are left out. */
  public Map<String, Integer> byAlertname() {
    return new TreeMap<>(counts);
  }
}
