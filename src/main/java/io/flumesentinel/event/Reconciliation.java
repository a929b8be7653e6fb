package io.flumesentinel.event;

import java.util.List;
import java.util.Set;

/**
 * The classifier's verdict on the initial state: the alerts that are firing now, and the agents
 * that are running. Whatever the ledger had recorded as firing and is not in {@code firing} ended
 * while no monitor was watching: it recovered if the agent is running, and was stopped otherwise.
 */
public record Reconciliation(List<Alert> firing, Set<String> running) {

  public Reconciliation {
    firing = List.copyOf(firing);
    running = Set.copyOf(running);
  }
}
