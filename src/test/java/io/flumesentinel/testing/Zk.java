package io.flumesentinel.testing;

import io.flumesentinel.zk.ZkClients;
import java.time.Duration;
import org.apache.curator.framework.CuratorFramework;
import org.apache.curator.framework.CuratorFrameworkFactory;
import org.apache.curator.retry.ExponentialBackoffRetry;
import org.apache.curator.test.InstanceSpec;
import org.apache.curator.test.TestingServer;

/** Real ZooKeeper servers and clients for tests. */
public final class Zk {

  private Zk() {}

  /**
   * A real ZooKeeper server on a free port with a short tick, so sessions can expire in about a
   * second.
   */
  public static TestingServer server() throws Exception {
    return server(-1);
  }

  /** As {@link #server()}, on {@code port}: a server that appears where a client expects it. */
  public static TestingServer server(int port) throws Exception {
    InstanceSpec spec = new InstanceSpec(null, port, -1, -1, true, -1, 100, 1000);
    return new TestingServer(spec, true);
  }

  /** A started client with its own session. */
  public static CuratorFramework client(String connect, Duration sessionTimeout) {
    CuratorFramework client =
        CuratorFrameworkFactory.builder()
            .connectString(connect)
            .sessionTimeoutMs((int) sessionTimeout.toMillis())
            .connectionTimeoutMs(5000)
            .retryPolicy(new ExponentialBackoffRetry(50, 3))
            .zkClientConfig(ZkClients.clientConfig())
            .build();
    client.start();
    return client;
  }
}
