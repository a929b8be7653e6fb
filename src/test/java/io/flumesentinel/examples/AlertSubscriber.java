package io.flumesentinel.examples;

import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.core.eventbus.EventBus;
import io.vertx.core.eventbus.EventBusOptions;
import io.vertx.core.http.ClientAuth;
import io.vertx.core.json.JsonObject;
import io.vertx.core.net.PfxOptions;
import io.vertx.spi.cluster.zookeeper.ZookeeperClusterManager;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;

/**
 * An application of its own that joins the monitors' cluster and prints what they publish: each
 * alert as {@code ALERT <json>}, each lifecycle event as {@code EVENT <json>}, and, with {@code
 * --state}, the active monitor's answer on {@code flume.sentinel.state} as {@code STATE <json>}.
 * Only the ZooKeeper hosts and the cluster path must match the monitors' ({@code cluster.
 * zookeeperPath}, by default {@code <zookeeper.root>/vertx}); it needs {@code vertx-core} and
 * {@code vertx-zookeeper} on its class path and nothing of Flume Sentinel.
 *
 * <p>A cluster secured with {@code cluster.tls} takes only members with a certificate it trusts:
 * {@code --tls} gives this application's PKCS#12 key store, a trust store holding what vouches for
 * the monitors' certificates, and a file with the password of both.
 *
 * <pre>{@code
 * java -cp ... io.flumesentinel.examples.AlertSubscriber zk1:2181,zk2:2181 /flume-sentinel/vertx \
 *     --tls app.p12 cluster-trust.p12 /run/secrets/cluster-password
 * }</pre>
 */
public final class AlertSubscriber {

  private AlertSubscriber() {}

  public static void main(String[] args) throws Exception {
    String hosts = args[0];
    String path = args.length > 1 ? args[1] : "/flume-sentinel/vertx";
    List<String> flags = Arrays.asList(args).subList(Math.min(2, args.length), args.length);
    boolean askState = flags.contains("--state");
    int tls = flags.indexOf("--tls");

    JsonObject zookeeper =
        new JsonObject()
            .put("zookeeperHosts", hosts)
            .put("rootPath", path.substring(1)) // a Curator namespace: no leading slash
            .put("sessionTimeout", 10_000)
            .put("connectTimeout", 3_000);
    EventBusOptions bus = new EventBusOptions();
    if (tls >= 0) {
      String password = Files.readString(Path.of(flags.get(tls + 3))).strip();
      bus.setSsl(true)
          // this application's certificate, which the monitors check
          .setKeyCertOptions(new PfxOptions().setPath(flags.get(tls + 1)).setPassword(password))
          // what the monitors' certificates are checked against; the event bus would otherwise
          // trust any server
          .setTrustOptions(new PfxOptions().setPath(flags.get(tls + 2)).setPassword(password))
          .setTrustAll(false)
          .setClientAuth(ClientAuth.REQUIRED);
    }
    Vertx vertx =
        Vertx.builder()
            .with(new VertxOptions().setEventBusOptions(bus))
            .withClusterManager(new ZookeeperClusterManager(zookeeper))
            .buildClustered()
            .await();
    EventBus eventBus = vertx.eventBus();
    eventBus
        .<JsonObject>consumer("flume.sentinel.alerts", m -> System.out.println("ALERT " + m.body()))
        .completion()
        .await();
    eventBus
        .<JsonObject>consumer("flume.sentinel.events", m -> System.out.println("EVENT " + m.body()))
        .completion()
        .await();
    System.out.println("SUBSCRIBED");
    if (askState) {
      // Until a monitor is active, nobody answers: ask again every half second.
      vertx.setPeriodic(
          500,
          id ->
              eventBus
                  .<JsonObject>request("flume.sentinel.state", "")
                  .onSuccess(
                      reply -> {
                        vertx.cancelTimer(id);
                        System.out.println("STATE " + reply.body());
                      }));
    }
    Runtime.getRuntime().addShutdownHook(new Thread(() -> vertx.close().await()));
  }
}
