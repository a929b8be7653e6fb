package io.flumesentinel.ha;

import io.flumesentinel.alert.LedgerRecord;
import io.flumesentinel.event.Addresses;
import io.flumesentinel.event.Alert;
import io.flumesentinel.event.NodeData;
import io.flumesentinel.protocol.ZkLayout;
import io.flumesentinel.zk.ChildrenReader;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.eventbus.Message;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.IntSupplier;
import org.apache.curator.framework.CuratorFramework;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Answers requests on {@link Addresses#STATE} with what the monitor knows now, read from ZooKeeper
 * at the time of the request:
 *
 * <pre>{@code
 * {"monitor": "host-a", "active": true, "epoch": 7,
 *  "agents": [{"id": "a1", "running": true}, ...],
 *  "firing": [{Alertmanager alert}, ...]}
 * }</pre>
 *
 * Deployed with the active monitor's verticles, so a request reaches the active monitor only.
 * Requests come from code in this JVM or from members of the cluster; with {@code cluster.tls} a
 * request arrives over the network only on a connection whose client certificate the trust material
 * vouched for, and the reply is sent only to a member whose server certificate it vouches for, so
 * the consumer itself checks nothing about the sender (the bus tells it nothing about the
 * connection). Without TLS ({@code cluster.insecure}) anyone who reaches the port may ask. {@code
 * firing} is the alert ledger as last written (at most one write interval, 100 ms, behind). A read
 * that fails (ZooKeeper unreachable) is answered with a failure (code 503).
 */
public final class StateVerticle extends VerticleBase {

  private static final Logger log = LoggerFactory.getLogger(StateVerticle.class);

  private final CuratorFramework client;
  private final ZkLayout layout;
  private final String monitor;
  private final IntSupplier epoch;
  private ChildrenReader reader;

  public StateVerticle(
      CuratorFramework client, ZkLayout layout, String monitor, IntSupplier epoch) {
    this.client = client;
    this.layout = layout;
    this.monitor = monitor;
    this.epoch = epoch;
  }

  @Override
  public Future<?> start() {
    reader = new ChildrenReader(client, context);
    return vertx.eventBus().<Object>consumer(Addresses.STATE, this::answer).completion();
  }

  private void answer(Message<Object> request) {
    Future.all(
            reader.read(layout.agents()), reader.read(layout.live()), reader.read(layout.alerts()))
        .onComplete(
            read -> {
              if (read.failed()) {
                log.warn("Could not read the state for a request: {}", read.cause().toString());
                request.fail(503, "ZooKeeper unreachable: " + read.cause().getMessage());
                return;
              }
              ChildrenReader.Children agents = read.result().resultAt(0);
              ChildrenReader.Children live = read.result().resultAt(1);
              ChildrenReader.Children alerts = read.result().resultAt(2);
              JsonArray agentList = new JsonArray();
              new TreeMap<>(agents.nodes())
                  .keySet()
                  .forEach(
                      id ->
                          agentList.add(
                              new JsonObject()
                                  .put("id", id)
                                  .put("running", live.nodes().containsKey(id))));
              JsonArray firing = new JsonArray();
              for (Map.Entry<String, NodeData> entry : new TreeMap<>(alerts.nodes()).entrySet()) {
                try {
                  Alert alert = LedgerRecord.parse(entry.getValue().data()).alert();
                  if (alert.firing()) {
                    firing.add(alert.toJson());
                  }
                } catch (RuntimeException e) {
                  log.debug(
                      "Skipping unreadable alert record {}: {}", entry.getKey(), e.toString());
                }
              }
              request.reply(
                  new JsonObject()
                      .put("monitor", monitor)
                      .put("active", true)
                      .put("epoch", epoch.getAsInt())
                      .put("agents", agentList)
                      .put("firing", firing));
            });
  }
}
