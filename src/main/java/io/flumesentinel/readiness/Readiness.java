package io.flumesentinel.readiness;

import java.util.ArrayList;
import java.util.List;

/**
 * What {@code /health/ready} reports: the monitor is ready once it is connected to ZooKeeper, has
 * loaded the agents and the alert ledger, and has reconciled them. Written by the verticles, read
 * by the health endpoint; thread-safe.
 *
 * <p>In a cluster a standby loads no ledger and reconciles nothing: it is ready once connected with
 * its copy of the registrations loaded, so it can take over at any moment.
 */
public final class Readiness {

  /** What this instance does in a cluster; {@link #SINGLE} without one. */
  public enum Role {
    SINGLE,
    STANDBY,
    ACTIVE
  }

  private final String zooKeeper;

  private volatile Role role = Role.SINGLE;

  private volatile boolean zkConnected;
  private volatile boolean watchLoaded;
  private volatile boolean ledgerLoaded;
  private volatile boolean reconciled;

  /** Readiness that names no ZooKeeper ensemble in {@link #waitingFor()}. */
  public Readiness() {
    this(null);
  }

  /**
   * @param zooKeeper the ensemble's connect string, named in {@link #waitingFor()} while it is not
   *     connected (so that an operator sees which ZooKeeper the monitor cannot reach)
   */
  public Readiness(String zooKeeper) {
    this.zooKeeper = zooKeeper;
  }

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

  /** Becomes a standby, or active again: the ledger of the new term is loaded and reconciled. */
  public void role(Role newRole) {
    ledgerLoaded = false;
    reconciled = false;
    this.role = newRole;
  }

  /** Whether the monitor's ZooKeeper session is connected now. */
  public boolean zkConnected() {
    return zkConnected;
  }

  public Role role() {
    return role;
  }

  public boolean ready() {
    return zkConnected && watchLoaded && (role == Role.STANDBY || (ledgerLoaded && reconciled));
  }

  /** Why the monitor is not ready, empty when it is. */
  public List<String> waitingFor() {
    List<String> reasons = new ArrayList<>();
    if (!zkConnected) {
      reasons.add(
          zooKeeper == null ? "ZooKeeper connection" : "ZooKeeper connection to " + zooKeeper);
    }
    if (!watchLoaded) {
      reasons.add("initial load of agent and live nodes");
    }
    if (role == Role.STANDBY) {
      return reasons;
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
