package io.flumesentinel.event;

import java.util.List;

/**
 * The classifier's verdict on the initial state: the alerts that are firing now. Whatever the ledger
 * had recorded as firing and is not in this list has ended while no monitor was watching.
 */
public record Reconciliation(List<Alert> firing) {

  public Reconciliation {
    firing = List.copyOf(firing);
  }
}
