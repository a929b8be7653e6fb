package io.flumesentinel;

import java.util.ArrayList;
import java.util.List;

/**
 * What {@code /health/ready} reports: the monitor is ready once it is connected to ZooKeeper, has
 * loaded the agents and the alert ledger, and has reconciled them. Written by the verticles, read
 * by the health endpoint; thread-safe.
 */
public final class Readiness {

  private volatile boolean zkConnected;
  private volatile boolean watchLoaded;
  private volatile boolean ledgerLoaded;
  private volatile boolean reconciled;

  public void zkConnected(boolean connected) {
    this.zkConnected = connected;
  }

  public void watchLoaded() {
    this.watchLoaded = true;
  }

  public void ledgerLoaded() {
    this.ledgerLoaded = true;
  }

  public void reconciled() {
    this.reconciled = true;
  }

  public boolean ready() {
    return zkConnected && watchLoaded && ledgerLoaded && reconciled;
  }

  /** Why the monitor is not ready, empty when it is. */
  public List<String> waitingFor() {
    List<String> reasons = new ArrayList<>();
    if (!zkConnected) {
      reasons.add("ZooKeeper connection");
    }
    if (!watchLoaded) {
      reasons.add("initial load of agent and live nodes");
    }
    if (!ledgerLoaded) {
      reasons.add("alert ledger");
    }
    if (!reconciled) {
      reasons.add("reconciliation");
    }
    return reasons;
  }
}
