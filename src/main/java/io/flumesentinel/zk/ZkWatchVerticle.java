package io.flumesentinel.zk;

import io.flumesentinel.Readiness;
import io.flumesentinel.event.Addresses;
import io.flumesentinel.event.ConnectionChange;
import io.flumesentinel.event.NodeChange;
import io.flumesentinel.event.NodeData;
import io.flumesentinel.event.WatchSnapshot;
import io.flumesentinel.protocol.AgentId;
import io.flumesentinel.protocol.ZkLayout;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.eventbus.DeliveryOptions;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.Executor;
import org.apache.curator.framework.CuratorFramework;
import org.apache.curator.framework.recipes.cache.ChildData;
import org.apache.curator.framework.recipes.cache.CuratorCache;
import org.apache.curator.framework.recipes.cache.CuratorCacheListener;
import org.apache.curator.framework.state.ConnectionState;
import org.apache.curator.framework.state.ConnectionStateListener;
import org.apache.curator.utils.ZKPaths;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Watches {@code <root>/agents} and {@code <root>/live} with Curator's {@code CuratorCache} and turns
 * what it sees into event-bus messages: one {@link WatchSnapshot} once both caches have loaded, then a
 * {@link NodeChange} per change, in the order ZooKeeper delivered them. Also reports the monitor's own
 * connection state as {@link ConnectionChange}s.
 *
 * <p>Curator calls its listeners on its own threads; every callback hops onto this verticle's context
 * first, so all messages leave from one thread, in order, and no event loop is ever blocked.
 */
public final class ZkWatchVerticle extends VerticleBase {

  private static final Logger log = LoggerFactory.getLogger(ZkWatchVerticle.class);
  private static final DeliveryOptions LOCAL = new DeliveryOptions().setLocalOnly(true);

  private final CuratorFramework client;
  private final ZkLayout layout;
  private final Readiness readiness;

  private CuratorCache agents;
  private CuratorCache live;
  private ConnectionStateListener connectionListener;
  private int initializedCaches;

  public ZkWatchVerticle(CuratorFramework client, ZkLayout layout, Readiness readiness) {
    this.client = client;
    this.layout = layout;
    this.readiness = readiness;
  }

  @Override
  public Future<?> start() {
    Executor onContext = task -> context.runOnContext(v -> task.run());
    connectionListener = (c, state) -> connectionChanged(state);
    client.getConnectionStateListenable().addListener(connectionListener, onContext);
    if (client.getZookeeperClient().isConnected()) {
      connectionChanged(ConnectionState.CONNECTED);
    }
    agents = CuratorCache.build(client, layout.agents());
    live = CuratorCache.build(client, layout.live());
    agents.listenable().addListener(listener(NodeChange.Kind.AGENT, layout.agents()), onContext);
    live.listenable().addListener(listener(NodeChange.Kind.LIVE, layout.live()), onContext);
    // CuratorCache.start() only queues background work; it does not block.
    agents.start();
    live.start();
    return Future.succeededFuture();
  }

  @Override
  public Future<?> stop() {
    client.getConnectionStateListenable().removeListener(connectionListener);
    agents.close();
    live.close();
    return Future.succeededFuture();
  }

  private CuratorCacheListener listener(NodeChange.Kind kind, String parent) {
    return CuratorCacheListener.builder()
        .forCreates(node -> changed(kind, parent, NodeChange.Type.CREATED, null, node))
        .forChanges((before, after) -> changed(kind, parent, NodeChange.Type.CHANGED, before, after))
        .forDeletes(node -> changed(kind, parent, NodeChange.Type.DELETED, node, null))
        .forInitialized(this::cacheInitialized)
        .build();
  }

  private void changed(NodeChange.Kind kind, String parent, NodeChange.Type type, ChildData before, ChildData after) {
    if (initializedCaches < 2) {
      return; // the snapshot sent at initialization already holds it
    }
    String id = agentId(parent, (after != null ? after : before).getPath());
    if (id == null) {
      return;
    }
    NodeChange change = new NodeChange(kind, type, id, data(before), data(after));
    vertx.eventBus().send(Addresses.ZK_CHANGES, change, LOCAL);
  }

  private void cacheInitialized() {
    if (++initializedCaches < 2) {
      return;
    }
    WatchSnapshot snapshot = new WatchSnapshot(children(agents, layout.agents()), children(live, layout.live()));
    log.info(
        "Loaded {} registered agents, {} running, under {}", snapshot.agents().size(), snapshot.live().size(), layout.root());
    readiness.watchLoaded();
    vertx.eventBus().send(Addresses.ZK_CHANGES, snapshot, LOCAL);
  }

  private void connectionChanged(ConnectionState state) {
    ConnectionChange.State mapped =
        switch (state) {
          case CONNECTED -> ConnectionChange.State.CONNECTED;
          case RECONNECTED -> ConnectionChange.State.RECONNECTED;
          case SUSPENDED -> ConnectionChange.State.SUSPENDED;
          case LOST -> ConnectionChange.State.LOST;
          case READ_ONLY -> ConnectionChange.State.SUSPENDED;
        };
    readiness.zkConnected(mapped.usable());
    if (mapped.usable()) {
      log.info("ZooKeeper connection {}", state);
    } else {
      log.warn("ZooKeeper connection {}: agent state is unknown until it is back", state);
    }
    vertx.eventBus().publish(Addresses.ZK_CONNECTION, new ConnectionChange(mapped), LOCAL);
  }

  private static Map<String, NodeData> children(CuratorCache cache, String parent) {
    Map<String, NodeData> nodes = new HashMap<>();
    cache.stream().forEach(node -> {
      String id = agentId(parent, node.getPath());
      if (id != null) {
        nodes.put(id, data(node));
      }
    });
    return nodes;
  }

  /** The agent id of a direct child of {@code parent}; {@code null} for the parent, deeper nodes and bad ids. */
  private static String agentId(String parent, String path) {
    if (path.length() <= parent.length() + 1) {
      return null;
    }
    ZKPaths.PathAndNode split = ZKPaths.getPathAndNode(path);
    if (!split.getPath().equals(parent)) {
      return null;
    }
    String id = split.getNode();
    String problem = AgentId.problem(id);
    if (problem != null) {
      log.warn("Ignoring {}: {}", path, problem);
      return null;
    }
    return id;
  }

  private static NodeData data(ChildData node) {
    return node == null ? null : NodeData.of(node.getData(), node.getStat());
  }
}
