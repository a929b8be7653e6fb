package io.flumesentinel.cli;

import io.flumesentinel.zk.ZkClients;
import java.util.concurrent.TimeUnit;
import org.apache.curator.framework.CuratorFramework;
import org.apache.curator.framework.CuratorFrameworkFactory;
import org.apache.curator.retry.ExponentialBackoffRetry;

/** The ZooKeeper client of a one-shot command ({@code deregister}, {@code silence}). */
final class CommandZooKeeper {

  private CommandZooKeeper() {}

  /**
   * A started client, connected within {@code timeoutMs}.
   *
   * @throws IllegalStateException naming {@code connect} when ZooKeeper does not answer in time
   */
  static CuratorFramework connect(String connect, long timeoutMs) throws InterruptedException {
    CuratorFramework client =
        CuratorFrameworkFactory.builder()
            .connectString(connect)
            .sessionTimeoutMs(10_000)
            .connectionTimeoutMs(5_000)
            .retryPolicy(new ExponentialBackoffRetry(100, 3, 1000))
            .zkClientConfig(ZkClients.clientConfig())
            .build();
    client.start();
    if (!client.blockUntilConnected((int) timeoutMs, TimeUnit.MILLISECONDS)) {
      client.close();
      throw new IllegalStateException(
          "ZooKeeper " + connect + " unreachable within " + timeoutMs + " ms");
    }
    return client;
  }
}
