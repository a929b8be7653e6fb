package io.flumesentinel.ha;

import io.flumesentinel.config.ClusterConfig;
import io.flumesentinel.config.ClusterTlsConfig;
import io.flumesentinel.config.ZkConfig;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.eventbus.EventBusOptions;
import io.vertx.core.http.ClientAuth;
import io.vertx.core.json.JsonObject;
import io.vertx.core.net.JksOptions;
import io.vertx.core.net.PemKeyCertOptions;
import io.vertx.core.net.PemTrustOptions;
import io.vertx.core.net.PfxOptions;
import io.vertx.spi.cluster.zookeeper.ZookeeperClusterManager;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A clustered Vert.x whose members find each other through the Vert.x ZooKeeper cluster manager, on
 * the monitor's own ensemble under {@link ClusterConfig#zookeeperPath(String)}. Any application
 * that joins with the same ZooKeeper hosts and path, and with a certificate the members trust,
 * receives what the active monitor publishes.
 *
 * <p>With {@code cluster.tls}, every event-bus connection is mutual TLS: a member presents its
 * certificate both when it connects and when it accepts, and checks the other side's against its
 * trust material. A program registered in ZooKeeper without such a certificate can neither send to
 * the members (they refuse its connection) nor receive from them (they refuse to connect to it).
 */
public final class ClusteredVertx {

  private static final Logger log = LoggerFactory.getLogger(ClusteredVertx.class);

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

  /**
   * The event bus's address, port and TLS, reading the certificates and their passwords (blocks on
   * the files). Without {@code tls} (only with {@code insecure: true}) logs one warning.
   *
   * @param environment the value of an environment variable by name, {@code null} if unset
   * @throws io.flumesentinel.config.ConfigException when the cluster is neither secured nor
   *     insecure on purpose, or a certificate file or password is unusable
   */
  public static EventBusOptions eventBusOptions(
      ClusterConfig cluster, Function<String, String> environment) {
    cluster.checkTransport("cluster");
    EventBusOptions options = new EventBusOptions().setPort(cluster.port());
    if (cluster.host() != null) {
      options.setHost(cluster.host());
    }
    if (cluster.tls() == null) {
      log.warn(
          "cluster.insecure: the clustered event bus runs without TLS: any program that reaches"
              + " ZooKeeper and port {} joins, receives every alert and can forge them",
          cluster.port() == 0 ? "(any free port)" : cluster.port());
      return options;
    }
    ClusterTlsConfig.Loaded tls = cluster.tls().load(environment);
    ClusterTlsConfig.Material identity = tls.identity();
    switch (identity.format()) {
      case PEM ->
          options.setKeyCertOptions(
              new PemKeyCertOptions()
                  .setCertValue(Buffer.buffer(identity.data()))
                  .setKeyValue(Buffer.buffer(identity.pemKey())));
      case JKS ->
          options.setKeyCertOptions(
              new JksOptions()
                  .setValue(Buffer.buffer(identity.data()))
                  .setPassword(identity.password()));
      case PKCS12 ->
          options.setKeyCertOptions(
              new PfxOptions()
                  .setValue(Buffer.buffer(identity.data()))
                  .setPassword(identity.password()));
    }
    ClusterTlsConfig.Material trust = tls.trust();
    switch (trust.format()) {
      case PEM ->
          options.setTrustOptions(new PemTrustOptions().addCertValue(Buffer.buffer(trust.data())));
      case JKS ->
          options.setTrustOptions(
              new JksOptions().setValue(Buffer.buffer(trust.data())).setPassword(trust.password()));
      case PKCS12 ->
          options.setTrustOptions(
              new PfxOptions().setValue(Buffer.buffer(trust.data())).setPassword(trust.password()));
    }
    // The event bus trusts every server unless told otherwise (EventBusOptions.DEFAULT_TRUST_ALL):
    // a member would then send alerts to anyone registered in ZooKeeper. Client authentication
    // makes the same check in the other direction. Host names are not verified: Vert.x's
    // clustered event bus switches that off for its connections, members are usually known by
    // their IP address, and the trust material alone says who is a member (see
    // docs/high-availability.md#the-clustered-event-bus).
    return options.setSsl(true).setTrustAll(false).setClientAuth(ClientAuth.REQUIRED);
  }

  /** Joins the cluster; blocks until joined (at most the connection timeout plus 30 s). */
  public static Vertx start(String connect, ZkConfig zk, ClusterConfig cluster) throws Exception {
    VertxOptions options =
        new VertxOptions().setEventBusOptions(eventBusOptions(cluster, System::getenv));
    return Vertx.builder()
        .with(options)
        .withClusterManager(new ZookeeperClusterManager(managerConfig(connect, zk, cluster)))
        .buildClustered()
        .await(zk.connectionTimeout().toMillis() + 30_000, TimeUnit.MILLISECONDS);
  }
}
