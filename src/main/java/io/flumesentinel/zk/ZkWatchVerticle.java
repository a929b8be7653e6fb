package io.flumesentinel.zk;

import io.flumesentinel.event.Addresses;
import io.flumesentinel.event.ConnectionChange;
import io.flumesentinel.event.FenceReached;
import io.flumesentinel.event.NodeChange;
import io.flumesentinel.event.NodeData;
import io.flumesentinel.event.OwnThread;
import io.flumesentinel.event.WatchSnapshot;
import io.flumesentinel.protocol.AgentId;
import io.flumesentinel.protocol.ZkLayout;
import io.flumesentinel.readiness.Readiness;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.VerticleBase;
import io.vertx.core.eventbus.DeliveryOptions;
import java.util.ArrayDeque;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Executor;
import org.apache.curator.framework.CuratorFramework;
import org.apache.curator.framework.recipes.watch.PersistentWatcher;
import org.apache.curator.framework.state.ConnectionState;
import org.apache.curator.framework.state.ConnectionStateListener;
import org.apache.curator.utils.ZKPaths;
import org.apache.zookeeper.KeeperException;
import org.apache.zookeeper.WatchedEvent;
import org.apache.zookeeper.Watcher;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Keeps a copy of {@code <root>/agents} and {@code <root>/live} and turns what changes into
 * event-bus messages: one {@link WatchSnapshot} once the first load is done, then a {@link
 * NodeChange} per change, in ZooKeeper's order. Also reports the monitor's own connection state as
 * {@link ConnectionChange}s, from its start: {@link ConnectionChange.State#NOT_YET_CONNECTED} when
 * ZooKeeper cannot be reached yet, which is a state the monitor runs in, not a failure.
 *
 * <p>Watching uses Curator's {@link PersistentWatcher} (ZooKeeper's persistent recursive watches,
 * the mechanism {@code CuratorCache} is built on). Loading does not follow {@code CuratorCache},
 * which asks every node for its data and its children one request at a time (40,000 requests, about
 * 2.5 s here for 10,000 agents): each time the watch is set, after start-up and after every
 * reconnection, both levels are read with a {@link ChildrenReader} in about a tenth of a second,
 * and compared with what was known, so that what changed while the connection was down is reported
 * too.
 *
 * <p>Events that arrive while a load runs are held, then applied in order, each checked against the
 * load by transaction id (a creation or deletion the load already reflects is skipped; a data read
 * is applied only if it is newer), so nothing is lost or reported twice. Curator calls back on its
 * own threads; everything here runs on this verticle's context, and no event loop is ever blocked.
 *
 * <p>A live node's removal is classified by what a fence shows ({@link FenceReached}): the watch
 * sends one as soon as it learns of the removal, names it on the change ({@link NodeChange#fence}),
 * and keeps at most one out at a time, so that a storm of removals shares a few. A read of a node
 * still to be answered stands for one: a crash record written with the removal is read anyway. A
 * fence asked on {@link Addresses#ZK_FENCE} is one of the same line.
 *
 * <p>Whatever it streams, it also publishes the first snapshot and every change on {@link
 * Addresses#REGISTRATIONS}, for figures such as the agents by state.
 *
 * <p>A standby monitor of a cluster keeps the copy up to date but sends nothing on {@link
 * Addresses#ZK_CHANGES} until it becomes active: then ({@link Addresses#ZK_STREAM} {@code true}) a
 * snapshot of the copy goes out first and every later change after it, in order. They are
 * published: the classifier and the alert shaping (which counts the agents of each group) both
 * follow them.
 */
public final class ZkWatchVerticle extends VerticleBase implements OwnThread {

  private static final Logger log = LoggerFactory.getLogger(ZkWatchVerticle.class);
  private static final DeliveryOptions LOCAL = new DeliveryOptions().setLocalOnly(true);

  private final CuratorFramework client;
  private final ZkLayout layout;
  private final Readiness readiness;
  private final RegistrationMirror mirror = new RegistrationMirror();
  private final ArrayDeque<PendingEvent> pending = new ArrayDeque<>();

  private PersistentWatcher agentsWatch;
  private PersistentWatcher liveWatch;
  private ConnectionStateListener connectionListener;
  private ChildrenReader reader;
  private boolean loaded;
  private boolean loading;
  private boolean loadAgain;

  /** Whether the snapshot and the changes are sent (always, except on a standby). */
  private boolean streaming;

  /** The connection's state as last reported; logged only when it changes. */
  private ConnectionChange.State connection;

  /**
   * A watch event and, for a creation or a data change, the read of the node it triggered, and the
   * fence sent after it ({@link NodeChange#NO_FENCE} if none); or, with {@code reached} set (and
   * nothing else), a fence answered in its place in ZooKeeper's order.
   */
  private record PendingEvent(
      NodeChange.Kind kind,
      String id,
      WatchedEvent event,
      Future<NodeData> read,
      long fence,
      FenceReached reached) {

    PendingEvent(
        NodeChange.Kind kind, String id, WatchedEvent event, Future<NodeData> read, long fence) {
      this(kind, id, event, read, fence, null);
    }

    static PendingEvent of(FenceReached reached) {
      return new PendingEvent(null, null, null, null, NodeChange.NO_FENCE, reached);
    }
  }

  /** The id of the last fence given out, sent or to be sent; ids count from 1. */
  private long lastFence = NodeChange.NO_FENCE;

  /** Whether a fence is out; the watch keeps at most one out, so a storm costs few. */
  private boolean fenceOut;

  /**
   * The id of the fence to send once the one out is answered, for what the watch learnt meanwhile;
   * {@link NodeChange#NO_FENCE} if none is wanted.
   */
  private long wantedFence = NodeChange.NO_FENCE;

  /**
   * The newest read of a node whose answer this context has not taken yet, or {@code null}. A read
   * is a fence too, for every removal the watch learns of before its answer: see {@link
   * #fenceForRemoval}.
   */
  private Read newestRead;

  /**
   * A read of a node on the watch's session: its answer, taken on this verticle's context in the
   * order ZooKeeper's client handed it out among the watch's events, and the id of the fence it
   * stands for, if any.
   */
  private static final class Read {
    final Promise<NodeData> answer = Promise.promise();
    long fence = NodeChange.NO_FENCE;
  }

  /** Runs a task on this verticle's context, in the order given. */
  private Executor onContext;

  public ZkWatchVerticle(CuratorFramework client, ZkLayout layout, Readiness readiness) {
    this(client, layout, readiness, true);
  }

  /**
   * @param streaming {@code false} for a standby: changes are sent only after {@link
   *     Addresses#ZK_STREAM} {@code true}
   */
  public ZkWatchVerticle(
      CuratorFramework client, ZkLayout layout, Readiness readiness, boolean streaming) {
    this.client = client;
    this.layout = layout;
    this.readiness = readiness;
    this.streaming = streaming;
  }

  /** Its own thread: a storm's thousands of changes never queue on an event loop that does I/O. */
  @Override
  public String threadName() {
    return "flume-sentinel-watch";
  }

  @Override
  public Future<?> start() {
    reader = new ChildrenReader(client, context);
    onContext = task -> context.runOnContext(v -> task.run());
    connectionListener = (c, state) -> connectionChanged(state);
    client.getConnectionStateListenable().addListener(connectionListener, onContext);
    // The state at start-up, so that a ZooKeeper that cannot be reached yet is a state too: not
    // ready, and alerted on by whoever listens once it lasts.
    report(
        client.getZookeeperClient().isConnected()
            ? ConnectionChange.State.CONNECTED
            : ConnectionChange.State.NOT_YET_CONNECTED);
    agentsWatch = watch(layout.agents(), onContext);
    liveWatch = watch(layout.live(), onContext);
    Future<Void> streamRequests =
        vertx
            .eventBus()
            .<Boolean>localConsumer(Addresses.ZK_STREAM, m -> stream(m.body()))
            .completion();
    Future<Void> fences =
        vertx
            .eventBus()
            .localConsumer(Addresses.ZK_FENCE, m -> m.reply(fenceAfterNow()))
            .completion();
    return Future.all(streamRequests, fences);
  }

  /**
   * Whether the removal of a node of {@code kind} gets a fence of the watch's own, named on its
   * change: a live node's, while the changes are streamed to the classifier, which decides on it.
   */
  private boolean fencesRemovalsOf(NodeChange.Kind kind) {
    return streaming && kind == NodeChange.Kind.LIVE;
  }

  /**
   * The id of a fence sent to ZooKeeper after now: sent at once when none is out, else the next
   * one, sent as soon as the one out is answered. Its {@link FenceReached} follows, on {@link
   * Addresses#ZK_CHANGES}, every change the watch has learnt of by now.
   */
  private long fenceAfterNow() {
    if (!fenceOut) {
      long id = ++lastFence;
      sendFence(id);
      return id;
    }
    if (wantedFence == NodeChange.NO_FENCE) {
      wantedFence = ++lastFence;
    }
    return wantedFence;
  }

  /**
   * The fence for a live node's removal just learnt of: the newest read whose answer is still to
   * come, if any, else one of the watch's own.
   *
   * <p>Why a read will do: its answer comes after this removal's notification, so ZooKeeper
   * answered it after it had begun to apply the removal's transaction; it applies a transaction
   * whole before it answers the next read (the same rule the watch's own fences rely on), so the
   * answer follows every notification of that transaction, the other half of a deliberate stop
   * included. A removal is applied only after the reads queued before it in {@link #pending}
   * anyway: a crash record written in the same transaction (a supervisor's crash) is classified on
   * the record's read alone, one round trip instead of two.
   */
  private long fenceForRemoval() {
    Read read = newestRead;
    if (read == null) {
      return fenceAfterNow();
    }
    if (read.fence == NodeChange.NO_FENCE) {
      read.fence = ++lastFence;
    }
    return read.fence;
  }

  /**
   * Asks ZooKeeper, on the watch's own session, whether the root exists, and queues the fence's
   * answer where the answer comes: ZooKeeper answers a session's requests after the notifications
   * it queued for that session before them, and its client hands both out in that order, so every
   * change made before the fence was sent (all of a transaction's changes) is sent before it.
   */
  private void sendFence(long id) {
    fenceOut = true;
    try {
      client
          .getZookeeperClient()
          .getZooKeeper()
          .exists(
              layout.root(),
              false,
              (rc, path, ctx, stat) -> {
                FenceReached answer = new FenceReached(id, unanswered(rc));
                onContext.execute(() -> fenced(answer));
              },
              null);
    } catch (Exception e) {
      onContext.execute(() -> fenced(new FenceReached(id, e.toString())));
    }
  }

  /**
   * Why a request on the watch's session, answered with {@code rc}, says nothing of what ZooKeeper
   * notified before it; {@code null} when ZooKeeper answered it, the node missing included.
   */
  private static String unanswered(int rc) {
    KeeperException.Code code = KeeperException.Code.get(rc);
    return code == KeeperException.Code.OK || code == KeeperException.Code.NONODE
        ? null
        : KeeperException.create(code).getMessage();
  }

  private void fenced(FenceReached answer) {
    fenceOut = false;
    pending.add(PendingEvent.of(answer));
    if (wantedFence != NodeChange.NO_FENCE) {
      long id = wantedFence;
      wantedFence = NodeChange.NO_FENCE;
      sendFence(id);
    }
    drain();
  }

  private void stream(boolean on) {
    boolean was = streaming;
    streaming = on;
    if (on && !was && loaded) {
      sendSnapshot();
    }
  }

  private void sendSnapshot() {
    vertx.eventBus().publish(Addresses.ZK_CHANGES, snapshot(), LOCAL);
  }

  private WatchSnapshot snapshot() {
    return new WatchSnapshot(
        mirror.nodes(NodeChange.Kind.AGENT), mirror.nodes(NodeChange.Kind.LIVE));
  }

  @Override
  public Future<?> stop() {
    client.getConnectionStateListenable().removeListener(connectionListener);
    agentsWatch.close();
    liveWatch.close();
    return Future.succeededFuture();
  }

  private PersistentWatcher watch(String parent, Executor onContext) {
    PersistentWatcher watcher = new PersistentWatcher(client, parent, true);
    watcher.getListenable().addListener(event -> onContext.execute(() -> watched(event)));
    // Called each time ZooKeeper has (re)set the watch: from then on no change is missed,
    // so load now.
    watcher.getResetListenable().addListener(() -> onContext.execute(this::load));
    watcher.start();
    return watcher;
  }

  private void load() {
    if (loading) {
      loadAgain = true;
      return;
    }
    loading = true;
    reader
        .read(layout.agents())
        .compose(
            agents ->
                reader
                    .read(layout.live())
                    .map(
                        live -> {
                          applyLoad(NodeChange.Kind.AGENT, agents);
                          applyLoad(NodeChange.Kind.LIVE, live);
                          return live;
                        }))
        .onComplete(
            done -> {
              loading = false;
              if (done.failed()) {
                log.warn(
                    "Could not load the registrations ({}); retrying when the connection is back",
                    done.cause().toString());
              } else if (!loaded) {
                loaded = true;
                log.info(
                    "Loaded {} registered agents, {} running, under {}",
                    mirror.nodes(NodeChange.Kind.AGENT).size(),
                    mirror.nodes(NodeChange.Kind.LIVE).size(),
                    layout.root());
                readiness.watchLoaded();
                WatchSnapshot first = snapshot();
                vertx.eventBus().publish(Addresses.REGISTRATIONS, first, LOCAL);
                if (streaming) {
                  vertx.eventBus().send(Addresses.ZK_CHANGES, first, LOCAL);
                }
              }
              if (loadAgain) {
                loadAgain = false;
                load();
              } else {
                drain();
              }
            });
  }

  /** Takes a load into the mirror; once the snapshot is out, what changed meanwhile is reported. */
  private void applyLoad(NodeChange.Kind kind, ChildrenReader.Children children) {
    Map<String, NodeData> valid = new HashMap<>();
    children
        .nodes()
        .forEach(
            (id, data) -> {
              if (AgentId.isValid(id)) {
                valid.put(id, data);
              } else {
                String parent = kind == NodeChange.Kind.AGENT ? layout.agents() : layout.live();
                log.warn("Ignoring {}/{}: {}", parent, id, AgentId.problem(id));
              }
            });
    List<NodeChange> changes = mirror.load(kind, valid, children.pzxid());
    if (loaded) {
      long fence = NodeChange.NO_FENCE;
      for (NodeChange change : changes) {
        if (fencesRemovalsOf(change.kind()) && change.removesNode()) {
          if (fence == NodeChange.NO_FENCE) {
            fence = fenceAfterNow();
          }
          change = change.followedBy(fence);
        }
        send(change);
      }
    }
  }

  private void watched(WatchedEvent event) {
    String path = event.getPath();
    Watcher.Event.EventType type = event.getType();
    if (path == null
        || !(type == Watcher.Event.EventType.NodeCreated
            || type == Watcher.Event.EventType.NodeDataChanged
            || type == Watcher.Event.EventType.NodeDeleted)) {
      return; // connection states are reported by Curator's connection listener
    }
    ZKPaths.PathAndNode split = ZKPaths.getPathAndNode(path);
    NodeChange.Kind kind =
        split.getPath().equals(layout.agents())
            ? NodeChange.Kind.AGENT
            : split.getPath().equals(layout.live()) ? NodeChange.Kind.LIVE : null;
    if (kind == null || !AgentId.isValid(split.getNode())) {
      return; // the parent itself, a deeper node, or a name that is no agent id
    }
    boolean deleted = type == Watcher.Event.EventType.NodeDeleted;
    Future<NodeData> read = deleted ? null : readNode(path);
    // A live node's removal is classified by what a fence shows: sent now (or a read sent
    // already), its round trip runs while the change is on its way to the classifier.
    long fence = deleted && fencesRemovalsOf(kind) ? fenceForRemoval() : NodeChange.NO_FENCE;
    pending.add(new PendingEvent(kind, split.getNode(), event, read, fence));
    drain();
  }

  /**
   * Reads the node {@code path} whose change the watch just learnt of, on the watch's own session,
   * with no retry (a read lost with the connection is made good by the reload that follows the
   * reconnection). Its answer is taken on this context as a task of its own, queued by ZooKeeper's
   * client after the events it handed out before the answer: so what comes after it in {@link
   * #pending}, as the fence it may stand for, is exactly what ZooKeeper notified after the read's
   * answer was queued.
   */
  private Future<NodeData> readNode(String path) {
    Read read = new Read();
    newestRead = read;
    try {
      client
          .getZookeeperClient()
          .getZooKeeper()
          .getData(
              path,
              false,
              (rc, p, ctx, data, stat) -> {
                NodeData node =
                    KeeperException.Code.get(rc) == KeeperException.Code.OK
                        ? NodeData.of(data, stat)
                        : null;
                String problem = unanswered(rc);
                onContext.execute(() -> answered(read, node, problem));
              },
              null);
    } catch (Exception e) {
      onContext.execute(() -> answered(read, null, e.toString()));
    }
    return read.answer.future();
  }

  private void answered(Read read, NodeData node, String problem) {
    if (newestRead == read) {
      newestRead = null;
    }
    read.answer.complete(node);
    if (read.fence != NodeChange.NO_FENCE) {
      pending.add(PendingEvent.of(new FenceReached(read.fence, problem)));
    }
    drain();
  }

  /** Applies held events in order; stops at a read still in flight, or while a load runs. */
  private void drain() {
    while (loaded && !loading && !pending.isEmpty()) {
      PendingEvent next = pending.peek();
      if (next.read() != null && !next.read().isComplete()) {
        return; // drained again when it is answered
      }
      pending.poll();
      apply(next);
    }
  }

  private void apply(PendingEvent pending) {
    if (pending.reached() != null) {
      if (streaming) {
        vertx.eventBus().publish(Addresses.ZK_CHANGES, pending.reached(), LOCAL);
      }
      return;
    }
    WatchedEvent event = pending.event();
    NodeChange change =
        pending.read() == null
            ? mirror.deleted(pending.kind(), pending.id(), event.getZxid())
            : mirror.read(
                pending.kind(),
                pending.id(),
                event.getType() == Watcher.Event.EventType.NodeCreated,
                event.getZxid(),
                pending.read().result());
    if (change != null) {
      send(pending.fence() == NodeChange.NO_FENCE ? change : change.followedBy(pending.fence()));
    }
  }

  private void send(NodeChange change) {
    vertx.eventBus().publish(Addresses.REGISTRATIONS, change, LOCAL);
    if (!streaming) {
      return;
    }
    vertx.eventBus().publish(Addresses.ZK_CHANGES, change, LOCAL);
  }

  private void connectionChanged(ConnectionState state) {
    report(
        switch (state) {
          case CONNECTED -> ConnectionChange.State.CONNECTED;
          case RECONNECTED -> ConnectionChange.State.RECONNECTED;
          case SUSPENDED, READ_ONLY -> ConnectionChange.State.SUSPENDED;
          case LOST -> ConnectionChange.State.LOST;
        });
  }

  /**
   * Publishes every state Curator reports (it may report one twice, say LOST while it keeps failing
   * to reconnect), and logs one line per change: the start-up state only once it is a connection.
   */
  private void report(ConnectionChange.State state) {
    ConnectionChange.State before = connection;
    connection = state;
    readiness.zkConnected(state.usable());
    if (state != before && state != ConnectionChange.State.NOT_YET_CONNECTED) {
      String ensemble = client.getZookeeperClient().getCurrentConnectionString();
      if (state.usable()) {
        log.info("ZooKeeper connection to {} {}", ensemble, state);
      } else {
        log.warn(
            "ZooKeeper connection to {} {}: agent state is unknown until it is back",
            ensemble,
            state);
      }
    }
    vertx.eventBus().publish(Addresses.ZK_CONNECTION, new ConnectionChange(state), LOCAL);
  }
}
