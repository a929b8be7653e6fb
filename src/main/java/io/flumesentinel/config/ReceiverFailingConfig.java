package io.flumesentinel.config;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonProperty;
import java.time.Duration;

/**
 * When a receiver counts as failing: once it has failed without a success for {@code after}, {@code
 * FlumeSentinelReceiverFailing} goes to its {@code fallback} receiver (a receiver sets its own
 * delay with {@code failingAfter}).
 */
public record ReceiverFailingConfig(Duration after) {

  public static final Duration DEFAULT_AFTER = Duration.ofMinutes(5);

  public static ReceiverFailingConfig defaults() {
    return new ReceiverFailingConfig(DEFAULT_AFTER);
  }

  /** The {@code receiverFailing} section: {@code after}. */
  @JsonCreator
  static ReceiverFailingConfig read(@JsonProperty("after") Duration after) {
    return new ReceiverFailingConfig(
        after == null
            ? DEFAULT_AFTER
            : DurationKey.inRange(
                "after", after, Duration.ofMillis(1), ReceiverOptions.MAX_FAILING_AFTER));
  }
}
