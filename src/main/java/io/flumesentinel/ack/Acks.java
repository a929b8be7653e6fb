package io.flumesentinel.ack;

import io.flumesentinel.event.Alert;
import java.util.Collection;
import java.util.Map;
import java.util.Optional;

/**
 * The acknowledgements under {@code <root>/acks}, by fingerprint. Immutable.
 *
 * <p>An acknowledgement holds for a firing alert of its fingerprint whose incident began when it
 * says ({@link Ack#startsAt()}); one left over from an earlier incident holds for nothing.
 */
public record Acks(Map<String, Ack> byFingerprint) {

  private static final Acks NONE = new Acks(Map.of());

  public Acks {
    byFingerprint = Map.copyOf(byFingerprint);
  }

  public static Acks none() {
    return NONE;
  }

  /** The acknowledgement of {@code alert}'s incident, if it is firing and acknowledged. */
  public Optional<Ack> of(Alert alert) {
    if (!alert.firing()) {
      return Optional.empty();
    }
    Ack ack = byFingerprint.get(alert.fingerprint());
    return ack != null && ack.startsAt().equals(alert.startsAt())
        ? Optional.of(ack)
        : Optional.empty();
  }

  public Collection<Ack> all() {
    return byFingerprint.values();
  }

  public int size() {
    return byFingerprint.size();
  }
}
