package io.flumesentinel.event;

import java.util.Objects;

/**
 * One alert transition handed to one receiver's notifier on {@link Addresses#notify(String)}, with
 * the group it belongs to there. Build it with {@code alert.Router#dispatches}, which knows the
 * routes; the notifier sends the alerts of one group together and never mixes groups.
 */
public record Notice(Alert alert, AlertGroup group) {

  public Notice {
    Objects.requireNonNull(alert, "alert");
    Objects.requireNonNull(group, "group");
  }
}
