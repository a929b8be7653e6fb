package io.flumesentinel.event;

/**
 * The watch's answer to a fence asked on {@link Addresses#ZK_FENCE}, sent on {@link
 * Addresses#ZK_CHANGES} after every change ZooKeeper had delivered to the watch's session before
 * its answer to a request the fence sent: whoever follows the changes and gets this has seen every
 * change that happened before the fence was asked (a transaction's changes come together).
 *
 * @param id the fence's id, as asked
 * @param problem {@code null} when reached; else why ZooKeeper did not answer (the connection is
 *     down): what waited on the fence is unknown, never taken as answered
 */
public record FenceReached(long id, String problem) {

  public boolean reached() {
    return problem == null;
  }
}
