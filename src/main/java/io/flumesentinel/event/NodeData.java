package io.flumesentinel.event;

import org.apache.zookeeper.data.Stat;

/**
 * A znode's bytes and the parts of its stat the classifier needs, as seen by the watch.
 *
 * @param czxid the transaction that created the node: tells one incarnation of a live node from the
 *     next
 * @param mzxid the transaction that last changed it
 * @param ctime server time of creation, epoch milliseconds
 */
public record NodeData(byte[] data, long czxid, long mzxid, long ctime) {

  public NodeData {
    data = data == null ? new byte[0] : data;
  }

  public static NodeData of(byte[] data, Stat stat) {
    return stat == null
        ? new NodeData(data, 0, 0, 0)
        : new NodeData(data, stat.getCzxid(), stat.getMzxid(), stat.getCtime());
  }
}
