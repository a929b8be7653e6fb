package io.flumesentinel.ha;

import io.flumesentinel.config.ClassifierConfig;
import io.flumesentinel.config.ClusterConfig;
import io.flumesentinel.config.HttpConfig;
import io.flumesentinel.config.MonitorConfig;
import io.flumesentinel.config.WebhookReceiverConfig;
import io.flumesentinel.config.ZkConfig;
import io.flumesentinel.monitor.Monitor;
import io.flumesentinel.protocol.AgentNode;
import io.flumesentinel.protocol.ExitRecord;
import io.flumesentinel.protocol.Registration;
import io.flumesentinel.protocol.ZkLayout;
import io.flumesentinel.readiness.Readiness;
import io.flumesentinel.testing.ClusterTls;
import io.flumesentinel.testing.WebhookReceiver;
import io.vertx.core.json.JsonObject;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.apache.curator.framework.CuratorFramework;

/**
 * Clustered monitors of one root with one webhook receiver named "ops", as the handover tests run
 * them, and what those tests look at: who is active, what the ledger records as delivered, what the
 * receiver got.
 */
record ClusteredMonitors(String root, Duration session) {

  /** A clustered monitor of {@link #root} on {@code connect}, sending to {@code receiver}. */
  Monitor start(String connect, WebhookReceiver receiver) throws Exception {
    return start(connect, receiver, ClusterTls.shared().cluster("127.0.0.1"));
  }

  /** As {@link #start(String, WebhookReceiver)}, keeping a notification history in {@code dir}. */
  Monitor startWithHistory(String connect, WebhookReceiver receiver, Path dir) throws Exception {
    return start(
        connect,
        receiver,
        ClusterTls.shared().cluster("127.0.0.1"),
        io.flumesentinel.config.HistoryConfig.in(dir));
  }

  /** As {@link #start(String, WebhookReceiver)}, with this cluster configuration. */
  Monitor start(String connect, WebhookReceiver receiver, ClusterConfig cluster) throws Exception {
    return start(connect, receiver, cluster, io.flumesentinel.config.HistoryConfig.disabled());
  }

  private Monitor start(
      String connect,
      WebhookReceiver receiver,
      ClusterConfig cluster,
      io.flumesentinel.config.HistoryConfig history)
      throws Exception {
    ZkConfig zk =
        new ZkConfig(connect, root, session, Duration.ofSeconds(1), 0, Path.of("target", "unused"));
    return Monitor.start(
        new MonitorConfig(
                zk,
                new HttpConfig("127.0.0.1", 0),
                ClassifierConfig.defaults(),
                List.of(WebhookReceiverConfig.of("ops", List.of(receiver.url()))),
                "",
                null)
            .withCluster(cluster)
            .withHistory(history),
        Clock.systemUTC());
  }

  /** Whether the ledger records the firing alert of {@code agent} as delivered to "ops". */
  boolean acknowledged(CuratorFramework client, String agent) throws Exception {
    ZkLayout layout = new ZkLayout(root);
    for (String child : client.getChildren().forPath(layout.alerts())) {
      if (child.endsWith("." + agent)) {
        String entry =
            new String(client.getData().forPath(layout.alert(child)), StandardCharsets.UTF_8);
        return "firing".equals(new JsonObject(entry).getJsonObject("sent").getString("ops"));
      }
    }
    return false;
  }

  static boolean active(Monitor monitor) {
    return monitor.readiness().role() == Readiness.Role.ACTIVE && monitor.readiness().ready();
  }

  /** A crash of agent {@code id} on {@code host}, as its supervisor records it. */
  static void crash(Registration agents, String id, String host) throws Exception {
    agents
        .recordCrashAndDropLive(
            id,
            AgentNode.of(host, "ingest", Map.of())
                .withCrash(new ExitRecord(137, "KILL", Instant.now(), "")))
        .toCompletableFuture()
        .get();
  }

  /** How many firing alerts about {@code agent} the receiver got. */
  static long firing(WebhookReceiver receiver, String agent) {
    return receiver.alertsFor(agent).stream().filter(a -> a.status().equals("firing")).count();
  }
}
