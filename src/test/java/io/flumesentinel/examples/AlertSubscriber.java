package io.flumesentinel.examples;

import io.vertx.core.Vertx;
import io.vertx.core.eventbus.EventBus;
import io.vertx.core.json.JsonObject;
import io.vertx.spi.cluster.zookeeper.ZookeeperClusterManager;

/**
 * An application of its own that joins the monitors' cluster and prints what they publish: each
 * alert as {@code ALERT <json>}, each lifecycle event as {@code EVENT <json>}, and, with {@code
 * --state}, the active monitor's answer on {@code flume.sentinel.state} as {@code STATE <json>}.
 * Only the ZooKeeper hosts and the cluster path must match the monitors' ({@code cluster.
 * zookeeperPath}, by default {@code <zookeeper.root>/vertx}); it needs {@code vertx-core} and
 * {@code vertx-zookeeper} on its class path and nothing of Flume Sentinel.
 *
 * <pre>{@code
 * java -cp ... io.flumesentinel.examples.AlertSubscriber zk1:2181,zk2:2181 /flume-sentinel/vertx
 * }</pre>
 */
public final class AlertSubscriber {

  private AlertSubscriber() {}

  public static void main(String[] args) throws Exception {
    String hosts = args[0];
    String path = args.length > 1 ? args[1] : "/flume-sentinel/vertx";
    boolean askState = args.length > 2 && args[2].equals("--state");

    JsonObject zookeeper =
        new JsonObject()
            .put("zookeeperHosts", hosts)
            .put("rootPath", path.substring(1)) // a Curator namespace: no leading slash
            .put("sessionTimeout", 10_000)
            .put("connectTimeout", 3_000);
    Vertx vertx =
        Vertx.builder()
            .withClusterManager(new ZookeeperClusterManager(zookeeper))
            .buildClustered()
            .await();
    EventBus bus = vertx.eventBus();
    bus.<JsonObject>consumer("flume.sentinel.alerts", m -> System.out.println("ALERT " + m.body()))
        .completion()
        .await();
    bus.<JsonObject>consumer("flume.sentinel.events", m -> System.out.println("EVENT " + m.body()))
        .completion()
        .await();
    System.out.println("SUBSCRIBED");
    if (askState) {
      // Until a monitor is active, nobody answers: ask again every half second.
      vertx.setPeriodic(
          500,
          id ->
              bus.<JsonObject>request("flume.sentinel.state", "")
                  .onSuccess(
                      reply -> {
                        vertx.cancelTimer(id);
                        System.out.println("STATE " + reply.body());
                      }));
    }
    Runtime.getRuntime().addShutdownHook(new Thread(() -> vertx.close().await()));
  }
}
