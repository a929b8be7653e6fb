package io.flumesentinel.event;

/**
 * The monitor's own ZooKeeper connection changed. While it is not {@link State#CONNECTED}, whether
 * a node exists is unknown, never "absent".
 */
public record ConnectionChange(State state) {

  public enum State {
    /** Not connected since start-up: ZooKeeper has not been reached yet. */
    NOT_YET_CONNECTED,
    CONNECTED,
    SUSPENDED,
    LOST,
    RECONNECTED;

    public boolean usable() {
      return this == CONNECTED || this == RECONNECTED;
    }
  }
}
