package io.flumesentinel.alert;

import io.flumesentinel.event.Alert;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * What the {@link Ledger} decided for one input, for its runner to carry out: hand each notice to
 * its receiver's notifier, publish each accepted transition, apply each record change in order (the
 * last change of a key is the one that stays), and make sure the ledger is asked for reminders by
 * {@code remindBy}. Immutable.
 *
 * @param notices one alert for one receiver each, in the order decided
 * @param publications the accepted transitions, for the public address and the log
 * @param records the changes to the stored ledger, in order
 * @param remindBy when the ledger must be asked for due reminders at the latest; empty: no new
 *     deadline (an earlier one still holds)
 * @param ackRemovals acknowledgements to remove from ZooKeeper: their incident resolved, or they
 *     hold for no firing alert
 */
record LedgerEffects(
    List<Dispatch> notices,
    List<Publication> publications,
    List<RecordChange> records,
    Optional<Instant> remindBy,
    List<AckRemoval> ackRemovals) {

  LedgerEffects {
    notices = List.copyOf(notices);
    publications = List.copyOf(publications);
    records = List.copyOf(records);
    Objects.requireNonNull(remindBy, "remindBy");
    ackRemovals = List.copyOf(ackRemovals);
  }

  /**
   * Remove the acknowledgement of {@code fingerprint} if it still names the incident that began at
   * {@code startsAt} (one written meanwhile for a new incident stays).
   */
  record AckRemoval(String fingerprint, Instant startsAt) {}

  /** An accepted transition and the ids of the silences that mute it (empty: not muted). */
  record Publication(Alert alert, List<String> silencedBy) {
    Publication {
      Objects.requireNonNull(alert, "alert");
      silencedBy = List.copyOf(silencedBy);
    }
  }

  /** One change of the stored ledger, under {@code <root>/alerts/<key>}. */
  sealed interface RecordChange {

    /** The alert key the record is stored under. */
    String key();

    /** Create or replace the record of {@code record}'s alert. */
    record Write(LedgerRecord record) implements RecordChange {
      @Override
      public String key() {
        return record.alert().key();
      }
    }

    /** Remove the record of {@code key}, if there is one. */
    record Delete(String key) implements RecordChange {}
  }

  /** Collects the effects of one input, in the order they are decided. */
  static final class Builder {
    private final List<Dispatch> notices = new ArrayList<>();
    private final List<Publication> publications = new ArrayList<>();
    private final List<RecordChange> records = new ArrayList<>();
    private Instant remindBy;
    private final List<AckRemoval> ackRemovals = new ArrayList<>();

    void notice(Dispatch dispatch) {
      notices.add(dispatch);
    }

    void publish(Alert alert, List<String> silencedBy) {
      publications.add(new Publication(alert, silencedBy));
    }

    void write(LedgerRecord record) {
      records.add(new RecordChange.Write(record));
    }

    void delete(String key) {
      records.add(new RecordChange.Delete(key));
    }

    /** Keeps the earliest of the deadlines asked for. */
    void remindBy(Instant due) {
      if (remindBy == null || due.isBefore(remindBy)) {
        remindBy = due;
      }
    }

    void removeAck(String fingerprint, Instant startsAt) {
      ackRemovals.add(new AckRemoval(fingerprint, startsAt));
    }

    LedgerEffects build() {
      return new LedgerEffects(
          notices, publications, records, Optional.ofNullable(remindBy), ackRemovals);
    }
  }
}
