package io.flumesentinel.ack;

import io.flumesentinel.event.Alert;
import java.util.Optional;

/**
 * The monitor's current acknowledgements, read by the alert ledger (are this alert's reminders
 * held?) and the HTTP API, written by {@link AckVerticle} as ZooKeeper changes. Thread-safe: each
 * update replaces an immutable {@link Acks}.
 */
public final class AckIndex {

  private volatile Acks current = Acks.none();

  /** The acknowledgement of {@code alert}'s incident, if it is firing and acknowledged. */
  public Optional<Ack> of(Alert alert) {
    return current.of(alert);
  }

  public Acks current() {
    return current;
  }

  void update(Acks acks) {
    current = acks;
  }
}
