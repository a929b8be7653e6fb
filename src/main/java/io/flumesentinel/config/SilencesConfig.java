package io.flumesentinel.config;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonProperty;
import java.time.Duration;

/**
 * What the monitor accepts of the silences it reads from ZooKeeper.
 *
 * @param maxDuration the longest a silence may last, from its start to its end; a longer one is
 *     refused (it mutes nothing and is listed as invalid)
 */
public record SilencesConfig(Duration maxDuration) {

  /**
   * A month: long enough for a planned maintenance or a known problem awaiting its fix; an agent
   * retired for good is deregistered instead.
   */
  public static final Duration DEFAULT_MAX_DURATION = Duration.ofDays(30);

  /** The longest {@code maxDuration} accepted. */
  static final Duration LONGEST = Duration.ofDays(3650);

  public static SilencesConfig defaults() {
    return new SilencesConfig(DEFAULT_MAX_DURATION);
  }

  /** The {@code silences} section: {@code maxDuration} (1m to 3650d, default 30d). */
  @JsonCreator
  static SilencesConfig read(@JsonProperty("maxDuration") Duration maxDuration) {
    if (maxDuration == null) {
      return defaults();
    }
    if (maxDuration.compareTo(Duration.ofMinutes(1)) < 0 || maxDuration.compareTo(LONGEST) > 0) {
      throw new ConfigException(
          "maxDuration", "must be between 1m and 3650d, got " + DurationText.format(maxDuration));
    }
    return new SilencesConfig(maxDuration);
  }
}
