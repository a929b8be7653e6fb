package io.flumesentinel.zk;

import io.flumesentinel.config.ZkTlsConfig;
import io.flumesentinel.protocol.AgentId;
import org.apache.zookeeper.client.ZKClientConfig;
import org.apache.zookeeper.common.ZKConfig;

/**
 * Settings shared by the monitor's own ZooKeeper clients.
 *
 * <p>A ZooKeeper client refuses any reply longer than its {@code jute.maxbuffer} (1 MB by default):
 * it drops the connection ({@code Packet len … is out of range}), which Curator reports as a
 * suspension, and the request fails with a connection loss. One {@code getChildren} of {@code
 * <root>/live} lists every running agent in one reply, about {@code 4 + id length} bytes per agent:
 * 4.2 MB for 100,000 agents with 38-character ids. The server itself sends replies of any size, so
 * only the client limit needs raising; requests stay under the server's own limit (batched reads
 * and writes are sized in bytes).
 */
public final class ZkClients {

  /**
   * The longest reply the monitor's clients accept: 16 MiB, enough to list 100,000 agents even with
   * ids of the longest allowed length ({@value AgentId#MAX_LENGTH} characters, 13.2 MB). A client
   * allocates a reply's buffer only when a reply that long arrives, so the limit costs no memory by
   * itself.
   */
  public static final int MAX_REPLY_BYTES = 16 * 1024 * 1024;

  private ZkClients() {}

  /** The client configuration to give Curator ({@code CuratorFrameworkFactory.builder()}). */
  public static ZKClientConfig clientConfig() {
    ZKClientConfig config = new ZKClientConfig();
    config.setProperty(ZKConfig.JUTE_MAXBUFFER, Integer.toString(MAX_REPLY_BYTES));
    return config;
  }

  /**
   * As {@link #clientConfig()}, connecting with TLS when {@code tls} is given. The settings go into
   * this client's own configuration, never into system properties, so that no other client of the
   * JVM (nor a password) is touched by them.
   */
  public static ZKClientConfig clientConfig(ZkTlsConfig tls) {
    ZKClientConfig config = clientConfig();
    if (tls != null) {
      ZkTls.apply(tls, config);
    }
    return config;
  }
}
