package io.flumesentinel.silence;

import java.time.Clock;
import java.util.List;
import java.util.Map;

/**
 * The monitor's current silences, read by the alert ledger (is this alert muted now?) and the HTTP
 * API, written by {@link SilenceVerticle} as ZooKeeper changes. Thread-safe: each update replaces
 * an immutable {@link Silences}; "now" is the injected clock's.
 */
public final class SilenceIndex {

  private final Clock clock;
  private final SilenceRules rules;
  private volatile Silences current = Silences.empty();

  /** An index of the silences that pass the default rules. */
  public SilenceIndex(Clock clock) {
    this(clock, SilenceRules.defaults());
  }

  /**
   * @param rules what a silence read from ZooKeeper must pass to mute anything
   */
  public SilenceIndex(Clock clock, SilenceRules rules) {
    this.clock = clock;
    this.rules = rules;
  }

  public SilenceRules rules() {
    return rules;
  }

  /** The ids of the active silences that mute an alert with {@code labels} now; empty if none. */
  public List<String> silencedBy(Map<String, String> labels) {
    return current.silencedBy(labels, clock.instant());
  }

  public Silences current() {
    return current;
  }

  public Clock clock() {
    return clock;
  }

  void update(Silences silences) {
    current = silences;
  }
}
