package io.flumesentinel.ha;

import io.flumesentinel.config.ClusterConfig;
import io.flumesentinel.config.ZkConfig;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.core.json.JsonObject;
import io.vertx.spi.cluster.zookeeper.ZookeeperClusterManager;
import java.util.concurrent.TimeUnit;

/**
 * A clustered Vert.x whose members find each other through the Vert.x ZooKeeper cluster manager, on
 * the monitor's own ensemble under {@link ClusterConfig#zookeeperPath(String)}. Any application
 * that joins with the same ZooKeeper hosts and path receives what the active monitor publishes;
 * with {@code cluster.tls}, only one holding a certificate the members trust ({@link
 * ClusterEventBus}).
 */
public final class ClusteredVertx {

  private ClusteredVertx() {}

  /** The cluster manager's configuration: hosts, path (as a Curator namespace) and timeouts. */
  public static JsonObject managerConfig(String connect, ZkConfig zk, ClusterConfig cluster) {
    String path = cluster.zookeeperPath(zk.root());
    return new JsonObject()
        .put("zookeeperHosts", connect)
        .put("rootPath", path.substring(1))
        .put("sessionTimeout", (int) zk.sessionTimeout().toMillis())
        .put("connectTimeout", (int) zk.connectionTimeout().toMillis())
        .put(
            "retry",
            new JsonObject()
                .put("policy", "exponential_backoff")
                .put("initialSleepTime", 100)
                .put("intervalTimes", 2000)
                .put("maxTimes", 5));
  }

  /** Joins the cluster; blocks until joined (at most the connection timeout plus 30 s). */
  public static Vertx start(String connect, ZkConfig zk, ClusterConfig cluster) throws Exception {
    VertxOptions options =
        new VertxOptions().setEventBusOptions(ClusterEventBus.options(cluster, System::getenv));
    return Vertx.builder()
        .with(options)
        .withClusterManager(new ZookeeperClusterManager(managerConfig(connect, zk, cluster)))
        .buildClustered()
        .await(zk.connectionTimeout().toMillis() + 30_000, TimeUnit.MILLISECONDS);
  }
}
