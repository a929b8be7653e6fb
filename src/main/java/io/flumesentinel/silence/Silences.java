package io.flumesentinel.silence;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * A set of silences, immutable and pure: which of them mute an alert's labels at a given instant,
 * which are in which state, and when the next one starts or ends. Safe to share between threads.
 * The {@link #invalid()} ones, which break the {@link SilenceRules}, are only kept to be listed
 * (and removed once expired long enough): they mute nothing.
 */
public final class Silences {

  private static final Silences EMPTY = new Silences(List.of());

  /** Active first, then pending, then expired; within a state, the one ending first first. */
  private static Comparator<Silence> listing(Instant at) {
    return Comparator.<Silence>comparingInt(s -> order(s.state(at)))
        .thenComparing(Silence::endsAt)
        .thenComparing(Silence::id);
  }

  private final List<Silence> silences;
  private final List<InvalidSilence> invalid;

  public Silences(Collection<Silence> silences) {
    this(silences, List.of());
  }

  /**
   * @param silences the silences that mute what they match
   * @param invalid the silences refused by the rules, which mute nothing
   */
  public Silences(Collection<Silence> silences, Collection<InvalidSilence> invalid) {
    this.silences = List.copyOf(silences);
    this.invalid = invalid.stream().sorted(Comparator.comparing(i -> i.silence().id())).toList();
  }

  /** The silences refused by the rules, by id: they mute nothing. */
  public List<InvalidSilence> invalid() {
    return invalid;
  }

  public static Silences empty() {
    return EMPTY;
  }

  /** The ids of the silences that mute an alert with {@code labels} at {@code at}, sorted. */
  public List<String> silencedBy(Map<String, String> labels, Instant at) {
    List<String> ids = new ArrayList<>();
    for (Silence silence : silences) {
      if (silence.mutes(labels, at)) {
        ids.add(silence.id());
      }
    }
    ids.sort(null);
    return List.copyOf(ids);
  }

  /** Every silence, in listing order at {@code at}: active, pending, expired. */
  public List<Silence> all(Instant at) {
    return silences.stream().sorted(listing(at)).toList();
  }

  /** The silences in {@code state} at {@code at}, in listing order. */
  public List<Silence> inState(Silence.State state, Instant at) {
    return silences.stream().filter(s -> s.state(at) == state).sorted(listing(at)).toList();
  }

  public Optional<Silence> get(String id) {
    return silences.stream().filter(s -> s.id().equals(id)).findFirst();
  }

  public int size() {
    return silences.size();
  }

  /**
   * The first instant after {@code at} at which a silence starts or ends, that is at which {@link
   * #silencedBy} may answer differently; empty when none will.
   */
  public Optional<Instant> nextChange(Instant at) {
    Instant next = null;
    for (Silence silence : silences) {
      for (Instant edge : List.of(silence.startsAt(), silence.endsAt())) {
        if (edge.isAfter(at) && (next == null || edge.isBefore(next))) {
          next = edge;
        }
      }
    }
    return Optional.ofNullable(next);
  }

  /**
   * The silences, invalid ones included, that expired at or before {@code cutoff}: kept that long,
   * then removed.
   */
  public List<Silence> expiredBy(Instant cutoff) {
    List<Silence> expired = new ArrayList<>();
    silences.stream().filter(s -> !s.endsAt().isAfter(cutoff)).forEach(expired::add);
    invalid.stream()
        .map(InvalidSilence::silence)
        .filter(s -> !s.endsAt().isAfter(cutoff))
        .forEach(expired::add);
    return List.copyOf(expired);
  }

  @Override
  public boolean equals(Object other) {
    return other instanceof Silences that
        && silences.size() == that.silences.size()
        && silences.containsAll(that.silences)
        && invalid.equals(that.invalid);
  }

  @Override
  public int hashCode() {
    return silences.stream().mapToInt(Silence::hashCode).sum() + invalid.hashCode();
  }

  private static int order(Silence.State state) {
    return switch (state) {
      case ACTIVE -> 0;
      case PENDING -> 1;
      case EXPIRED -> 2;
    };
  }
}
