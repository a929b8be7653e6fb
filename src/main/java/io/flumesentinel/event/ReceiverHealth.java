package io.flumesentinel.event;

import java.util.Objects;

/**
 * A receiver's notifier changed its mind about the receiver: it stopped accepting alerts (every
 * target failed a round, or it refused a batch for good), or it accepts them again. Sent on {@link
 * Addresses#RECEIVER_HEALTH} when the state changes, not on every attempt.
 *
 * @param error what the last failure was, one line without secrets; empty when accepting
 */
public record ReceiverHealth(String receiver, State state, String error) {

  public enum State {
    ACCEPTING,
    FAILING
  }

  public ReceiverHealth {
    Objects.requireNonNull(receiver, "receiver");
    Objects.requireNonNull(state, "state");
    error = error == null ? "" : error;
  }

  public boolean failing() {
    return state == State.FAILING;
  }
}
