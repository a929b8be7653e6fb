package io.flumesentinel.event;

import java.util.List;

/**
 * A receiver accepted these alert transitions; the ledger records it so a restart does not resend
 * them.
 */
public record Delivered(String receiver, List<Alert> alerts) {

  public Delivered {
    alerts = List.copyOf(alerts);
  }
}
