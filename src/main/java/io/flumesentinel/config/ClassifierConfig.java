package io.flumesentinel.config;

import java.time.Duration;

/**
 * @param grace how long a SESSION_LOST waits for the live node to come back before it fires (0: at
 *     once)
 * @param startTimeout how long a newly registered agent may go without a live node before
 *     NOT_RUNNING fires
 */
public record ClassifierConfig(Duration grace, Duration startTimeout) {

  public static ClassifierConfig defaults() {
    return new ClassifierConfig(Duration.ZERO, Duration.ofSeconds(60));
  }
}
