package io.flumesentinel.ha;

import io.flumesentinel.config.ClusterConfig;
import io.flumesentinel.config.ClusterTlsConfig;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.eventbus.EventBusOptions;
import io.vertx.core.http.ClientAuth;
import io.vertx.core.net.JksOptions;
import io.vertx.core.net.PemKeyCertOptions;
import io.vertx.core.net.PemTrustOptions;
import io.vertx.core.net.PfxOptions;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The options of the monitor's clustered event bus: address, port and, with {@code cluster.tls},
 * mutual TLS. Every event-bus connection is then authenticated at both ends: a member presents its
 * certificate both when it connects and when it accepts, and checks the other side's against its
 * trust material. A program registered in ZooKeeper without such a certificate can neither send to
 * the members (they refuse its connection) nor receive from them (they refuse to connect to it).
 */
public final class ClusterEventBus {

  private static final Logger log = LoggerFactory.getLogger(ClusterEventBus.class);

  private ClusterEventBus() {}

  /**
   * The event bus's address, port and TLS, reading the certificates and their passwords (blocks on
   * the files). Without {@code tls} (only with {@code insecure: true}) logs one warning.
   *
   * @param environment the value of an environment variable by name, {@code null} if unset
   * @throws io.flumesentinel.config.ConfigException when the cluster is neither secured nor
   *     insecure on purpose, or a certificate file or password is unusable
   */
  public static EventBusOptions options(
      ClusterConfig cluster, Function<String, String> environment) {
    cluster.checkTransport("cluster");
    EventBusOptions options = new EventBusOptions().setPort(cluster.port());
    if (cluster.host() != null) {
      options.setHost(cluster.host());
    }
    if (cluster.tls() == null) {
      log.warn(
          "cluster.insecure: the clustered event bus runs without TLS: any program that reaches"
              + " ZooKeeper and the event-bus port ({}) joins, receives every alert and can forge"
              + " them",
          cluster.port() == 0 ? "any free port" : cluster.port());
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
}
