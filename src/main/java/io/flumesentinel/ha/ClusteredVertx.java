package io.flumesentinel.ha;

import io.flumesentinel.config.ClusterConfig;
import io.flumesentinel.config.ZkConfig;
import io.flumesentinel.zk.ZkClients;
import io.flumesentinel.zk.ZkSecurity;
import io.vertx.core.Vertx;
import io.vertx.core.VertxBuilder;
import io.vertx.core.VertxOptions;
import io.vertx.spi.cluster.zookeeper.ZookeeperClusterManager;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import org.apache.curator.framework.CuratorFramework;
import org.apache.curator.framework.CuratorFrameworkFactory;
import org.apache.curator.retry.ExponentialBackoffRetry;

/**
 * A clustered Vert.x whose members find each other through the Vert.x ZooKeeper cluster manager, on
 * the monitor's own ensemble under {@link ClusterConfig#zookeeperPath(String)}. Any application
 * that joins with the same ZooKeeper hosts and path receives what the active monitor publishes;
 * with ACLs configured, it must log in as a monitor identity to join; with {@code cluster.tls}, it
 * must also hold a certificate the members trust ({@link ClusterEventBus}).
 */
public final class ClusteredVertx {

  private ClusteredVertx() {}

  /**
   * The cluster manager's ZooKeeper client, started: on the monitor's ensemble, with the monitors'
   * identity and ACLs ({@link ZkSecurity}), so that its znodes are as protected as the rest, and
   * the cluster path as its namespace, over TLS when {@code zookeeper.tls} is set, like every other
   * client of the monitor ({@link ZkClients}). The cluster manager closes it when it leaves.
   */
  public static CuratorFramework managerClient(String connect, ZkConfig zk, ClusterConfig cluster) {
    String path = cluster.zookeeperPath(zk.root());
    CuratorFramework client =
        ZkSecurity.apply(
                CuratorFrameworkFactory.builder()
                    .connectString(connect)
                    .namespace(path.substring(1))
                    .sessionTimeoutMs((int) zk.sessionTimeout().toMillis())
                    .connectionTimeoutMs((int) zk.connectionTimeout().toMillis())
                    .retryPolicy(new ExponentialBackoffRetry(100, 5, 2000)),
                ZkClients.clientConfig(zk.tls()),
                zk.access(),
                zk.layout(),
                path)
            .build();
    client.start();
    return client;
  }

  /** Joins the cluster; blocks until joined (at most the connection timeout plus 30 s). */
  public static Vertx start(String connect, ZkConfig zk, ClusterConfig cluster) throws Exception {
    return start(connect, zk, cluster, options -> Vertx.builder().with(options));
  }

  /**
   * Joins the cluster with a Vert.x from {@code builders} (given the cluster's options: say, with
   * metrics added); blocks until joined (at most the connection timeout plus 30 s).
   */
  public static Vertx start(
      String connect,
      ZkConfig zk,
      ClusterConfig cluster,
      Function<VertxOptions, VertxBuilder> builders)
      throws Exception {
    VertxOptions options =
        new VertxOptions().setEventBusOptions(ClusterEventBus.options(cluster, System::getenv));
    CuratorFramework client = managerClient(connect, zk, cluster);
    try {
      return builders
          .apply(options)
          .withClusterManager(new ZookeeperClusterManager(client))
          .buildClustered()
          .await(zk.connectionTimeout().toMillis() + 30_000, TimeUnit.MILLISECONDS);
    } catch (Exception e) {
      client.close();
      throw e;
    }
  }
}
