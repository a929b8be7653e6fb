package io.flumesentinel.config;

import java.time.Duration;

/**
 * What every receiver may set besides its channel: where to report it when it keeps failing, and
 * its own runbook link.
 *
 * @param fallback the receiver that is sent {@code FlumeSentinelReceiverFailing} when this one has
 *     failed for {@code failingAfter}; {@code null}: nobody is
 * @param failingAfter how long this receiver may fail before that alert fires; {@code null}: the
 *     global {@code receiverFailing.after}
 * @param runbookUrl the {@code runbook_url} of the alerts this receiver is sent, unless their route
 *     sets one; {@code null}: the global {@code annotations.runbookUrl}
 */
public record ReceiverOptions(String fallback, Duration failingAfter, RunbookTemplate runbookUrl) {

  public static final ReceiverOptions NONE = new ReceiverOptions(null, null, null);

  /** The longest a receiver may fail before it is reported: a week. */
  static final Duration MAX_FAILING_AFTER = Duration.ofDays(7);

  /** The receiver keys {@code fallback}, {@code failingAfter} and {@code runbookUrl}. */
  static ReceiverOptions read(String fallback, Duration failingAfter, String runbookUrl) {
    String other = fallback == null || fallback.isBlank() ? null : fallback.strip();
    return new ReceiverOptions(
        other,
        failingAfter == null
            ? null
            : DurationKey.inRange(
                "failingAfter", failingAfter, Duration.ofMillis(1), MAX_FAILING_AFTER),
        runbookUrl == null || runbookUrl.isBlank()
            ? null
            : RunbookTemplate.read("runbookUrl", runbookUrl));
  }
}
