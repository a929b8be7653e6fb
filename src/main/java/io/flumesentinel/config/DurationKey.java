package io.flumesentinel.config;

import java.time.Duration;
import java.util.List;

/**
 * A duration key of the file, its bounds, and the key ending in {@code Ms} that it replaces ({@code
 * within} for {@code windowMs}): either may be written, not both, and the old one's problems are
 * reported in milliseconds as they always were.
 *
 * @param millisName the deprecated key, a whole number of milliseconds
 */
record DurationKey(String name, String millisName, Duration min, Duration max) {

  private static final Duration ONE_MS = Duration.ofMillis(1);
  private static final Duration TIMEOUT = Duration.ofMinutes(10);
  private static final Duration DAY = Duration.ofDays(1);

  static final DurationKey SESSION_TIMEOUT =
      new DurationKey("sessionTimeout", "sessionTimeoutMs", Duration.ofSeconds(1), TIMEOUT);
  static final DurationKey CONNECTION_TIMEOUT =
      new DurationKey("connectionTimeout", "connectionTimeoutMs", ONE_MS, TIMEOUT);
  static final DurationKey GRACE = new DurationKey("grace", "graceMs", Duration.ZERO, DAY);
  static final DurationKey START_TIMEOUT =
      new DurationKey("startTimeout", "startTimeoutMs", ONE_MS, DAY);
  static final DurationKey FLAPPING_WINDOW =
      new DurationKey("within", "windowMs", Duration.ofSeconds(1), DAY);
  static final DurationKey STABLE_FOR =
      new DurationKey("stableFor", "stableForMs", Duration.ofSeconds(1), DAY);
  static final DurationKey HOST_DOWN_WINDOW = new DurationKey("within", "windowMs", ONE_MS, DAY);
  static final DurationKey CONNECT_TIMEOUT =
      new DurationKey("connectTimeout", "connectTimeoutMs", ONE_MS, TIMEOUT);
  static final DurationKey REQUEST_TIMEOUT =
      new DurationKey("requestTimeout", "requestTimeoutMs", ONE_MS, TIMEOUT);
  static final DurationKey SEND_TIMEOUT =
      new DurationKey("sendTimeout", "sendTimeoutMs", ONE_MS, TIMEOUT);
  static final DurationKey BACKOFF_INITIAL = new DurationKey("initial", "initialMs", ONE_MS, DAY);
  static final DurationKey BACKOFF_MAX = new DurationKey("max", "maxMs", ONE_MS, DAY);

  private static final List<DurationKey> ALL =
      List.of(
          SESSION_TIMEOUT,
          CONNECTION_TIMEOUT,
          GRACE,
          START_TIMEOUT,
          FLAPPING_WINDOW,
          STABLE_FOR,
          HOST_DOWN_WINDOW,
          CONNECT_TIMEOUT,
          REQUEST_TIMEOUT,
          SEND_TIMEOUT,
          BACKOFF_INITIAL,
          BACKOFF_MAX);

  /** How a value was given: not at all, as a duration, or under the millisecond key. */
  enum Form {
    DEFAULT,
    DURATION,
    MILLIS
  }

  /** The key that replaces the millisecond key {@code millisName}. */
  static String replacementOf(String millisName) {
    return ALL.stream()
        .filter(k -> k.millisName.equals(millisName))
        .map(DurationKey::name)
        .findFirst()
        .orElseThrow(() -> new IllegalArgumentException("not a millisecond key: " + millisName));
  }

  /**
   * The value given under this key or its millisecond key, checked against the bounds, or {@code
   * fallback} when neither is given.
   */
  Written read(Duration duration, Milliseconds millis, Duration fallback) {
    if (duration != null && millis != null) {
      throw new ConfigException(
          millisName, "give either " + name + " or " + millisName + ", not both");
    }
    if (millis != null) {
      ConfigChecks.inRange(millisName, millis.value(), min.toMillis(), max.toMillis());
      return new Written(this, Duration.ofMillis(millis.value()), Form.MILLIS);
    }
    if (duration != null) {
      return new Written(this, inRange(name, duration, min, max), Form.DURATION);
    }
    return new Written(this, fallback, Form.DEFAULT);
  }

  /** {@code value}, unless it is outside {@code [min, max]}. */
  static Duration inRange(String key, Duration value, Duration min, Duration max) {
    if (value.compareTo(min) < 0 || value.compareTo(max) > 0) {
      throw new ConfigException(
          key,
          "must be between "
              + DurationText.format(min)
              + " and "
              + DurationText.format(max)
              + ", got "
              + ConfigChecks.quote(DurationText.format(value)));
    }
    return value;
  }

  /** A value read, with how it was written, so that a message shows it the same way. */
  record Written(DurationKey key, Duration value, Form form) {

    /** The key as written: the millisecond key if that was used. */
    String name() {
      return form == Form.MILLIS ? key.millisName : key.name;
    }

    /** The value as its key writes it: milliseconds under the millisecond key. */
    String shown() {
      return form == Form.MILLIS ? Long.toString(value.toMillis()) : DurationText.format(value);
    }

    /**
     * This value written as {@code other} is, if this one took its default: a message about two
     * keys then speaks of both in the style of the file.
     */
    Written styledAs(Written other) {
      return form == Form.DEFAULT ? new Written(key, value, other.form) : this;
    }

    /** Fails on this key unless its value is at most {@code other}'s. */
    void atMost(Written other) {
      if (value.compareTo(other.value) > 0) {
        Written self = styledAs(other);
        Written bound = other.styledAs(self);
        throw new ConfigException(
            self.name(),
            "must not exceed " + bound.name() + " (" + bound.shown() + "), got " + self.shown());
      }
    }

    /** Fails on this key unless its value is at least {@code other}'s. */
    void atLeast(Written other) {
      if (value.compareTo(other.value) < 0) {
        Written self = styledAs(other);
        Written bound = other.styledAs(self);
        throw new ConfigException(
            self.name(),
            "must be at least " + bound.name() + " (" + bound.shown() + "), got " + self.shown());
      }
    }
  }
}
