package io.flumesentinel.shape;

import static org.awaitility.Awaitility.await;

import io.flumesentinel.config.ClassifierConfig;
import io.flumesentinel.config.FlappingConfig;
import io.flumesentinel.config.GroupDegradedConfig;
import io.flumesentinel.config.HostDownConfig;
import io.flumesentinel.config.HttpConfig;
import io.flumesentinel.config.MonitorConfig;
import io.flumesentinel.config.WebhookReceiverConfig;
import io.flumesentinel.config.ZkConfig;
import io.flumesentinel.event.Addresses;
import io.flumesentinel.monitor.Monitor;
import io.flumesentinel.protocol.Registration;
import io.flumesentinel.protocol.ZkLayout;
import io.flumesentinel.testing.WebhookReceiver;
import io.flumesentinel.testing.Zk;
import io.vertx.core.json.JsonObject;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.apache.curator.framework.CuratorFramework;
import org.apache.curator.test.TestingServer;
import org.apache.curator.x.async.AsyncCuratorFramework;

/**
 * A whole monitor (the one {@code monitor} starts) against a real ZooKeeper, delivering to a real
 * webhook receiver, and an agent-side client that registers, runs and crashes agents.
 */
final class WebhookMonitor implements AutoCloseable {

  static final Duration WAIT = Duration.ofSeconds(15);

  final TestingServer server;
  final WebhookReceiver receiver;
  final Monitor monitor;
  final CuratorFramework agentSide;
  final Registration agents;

  /** Lifecycle events as the monitor publishes them. */
  final List<JsonObject> events = new CopyOnWriteArrayList<>();

  WebhookMonitor(FlappingConfig flapping, HostDownConfig hostDown) throws Exception {
    this(flapping, hostDown, GroupDegradedConfig.defaults());
  }

  WebhookMonitor(
      FlappingConfig flapping, HostDownConfig hostDown, GroupDegradedConfig groupDegraded)
      throws Exception {
    server = Zk.server();
    receiver = WebhookReceiver.start();
    ZkLayout layout = ZkLayout.defaults();
    ZkConfig defaults = ZkConfig.of(server.getConnectString());
    ZkConfig zk =
        new ZkConfig(
            server.getConnectString(),
            layout.root(),
            defaults.sessionTimeout(),
            defaults.connectionTimeout(),
            defaults.embeddedPort(),
            defaults.embeddedDataDir());
    MonitorConfig config =
        new MonitorConfig(
                zk,
                new HttpConfig("127.0.0.1", 0),
                ClassifierConfig.defaults(),
                List.of(WebhookReceiverConfig.of("ops", List.of(receiver.url()))),
                "",
                null,
                flapping,
                hostDown,
                null,
                null)
            .withGroupDegraded(groupDegraded);
    monitor = Monitor.start(config, Clock.systemUTC());
    monitor
        .vertx()
        .eventBus()
        .<JsonObject>consumer(Addresses.EVENTS, m -> events.add(m.body()))
        .completion()
        .await();
    await().atMost(WAIT).until(monitor.readiness()::ready);
    agentSide = Zk.client(server.getConnectString(), Duration.ofSeconds(5));
    agents = new Registration(AsyncCuratorFramework.wrap(agentSide), layout);
  }

  long eventCount(String type, String agent) {
    return events.stream()
        .filter(e -> e.getString("type").equals(type) && e.getString("agent").equals(agent))
        .count();
  }

  /** Waits until the monitor has published {@code count} events of {@code type} for the agent. */
  void awaitEvents(String type, String agent, long count) {
    await().atMost(WAIT).until(() -> eventCount(type, agent) >= count);
  }

  /** The alerts the receiver got for {@code agent}, as {@code status alertname} lines. */
  List<String> received(String agent) {
    return receiver.alertsFor(agent).stream()
        .map(
            a ->
                a.status()
                    + " "
                    + a.alert().getJsonObject("labels").getString("alertname")
                    + (a.annotation("resolution") == null ? "" : " " + a.annotation("resolution")))
        .toList();
  }

  @Override
  public void close() throws Exception {
    agentSide.close();
    monitor.close();
    receiver.close();
    server.close();
  }
}
