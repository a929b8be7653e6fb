package io.flumesentinel.event;

/**
 * The watch's answer to one of its fences, sent on {@link Addresses#ZK_CHANGES} after every change
 * ZooKeeper had delivered to the watch's session before its answer to the request the fence sent:
 * whoever follows the changes and gets this has seen every change that happened before the fence
 * was sent (a transaction's changes come together).
 *
 * <p>The watch numbers its fences (from 1): it sends one on its own after each live node's removal
 * ({@link NodeChange#fence}), and one for each request on {@link Addresses#ZK_FENCE}, whose reply
 * is the id.
 *
 * @param id the fence's id
 * @param problem {@code null} when reached; else why ZooKeeper did not answer (the connection is
 *     down): what waited on the fence is unknown, never taken as answered
 */
public record FenceReached(long id, String problem) {

  public boolean reached() {
    return problem == null;
  }
}
