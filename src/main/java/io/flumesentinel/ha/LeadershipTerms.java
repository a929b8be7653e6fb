package io.flumesentinel.ha;

import io.flumesentinel.event.Addresses;
import io.flumesentinel.event.OwnThread;
import io.flumesentinel.protocol.ZkErrors;
import io.flumesentinel.protocol.ZkLayout;
import io.flumesentinel.readiness.Readiness;
import io.flumesentinel.zk.ZkBatchWriter;
import io.vertx.core.Deployable;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.eventbus.DeliveryOptions;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.function.Function;
import org.apache.curator.framework.CuratorFramework;
import org.apache.curator.framework.recipes.leader.LeaderLatch;
import org.apache.curator.framework.recipes.leader.LeaderLatchListener;
import org.apache.curator.framework.state.ConnectionState;
import org.apache.curator.framework.state.ConnectionStateListener;
import org.apache.curator.x.async.AsyncCuratorFramework;
import org.apache.curator.x.async.api.CreateOption;
import org.apache.zookeeper.KeeperException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs the verticles that classify and notify only while this monitor is the leader of its cluster
 * ({@code <root>/monitor/leader}, Curator's {@link LeaderLatch}); a standby keeps only its watch
 * (and so its copy of the registrations) up to date.
 *
 * <p>Each time leadership is gained a new <em>term</em> begins: the epoch znode {@code
 * <root>/monitor/epoch} is written, and its new version fences the term's ledger (every ledger
 * transaction checks it, see {@link ZkBatchWriter.Fence}); the term's verticles are deployed,
 * consumers first, and then the watch sends them a snapshot of the registrations and every change
 * after it. The ledger, loaded from ZooKeeper, tells what was already delivered; the snapshot, what
 * went down meanwhile.
 *
 * <p>While the session is in doubt (suspended) the term keeps what it would send: its fence is held
 * at once, from Curator's thread, and released when the same session is back; if the session is
 * lost, it is revoked and what was kept is dropped (the next term derives it again from the
 * ledger). A leader cut off from ZooKeeper notices the disconnection (about two thirds of a session
 * timeout) before the server can expire its session and elect another leader, so it stops sending
 * before any newer term can begin.
 *
 * <p>Leadership is given up when the session is lost, not when the connection is merely suspended
 * (the client must use Curator's {@code SessionConnectionStateErrorPolicy}), and when the ledger
 * finds itself fenced off by a newer term. The term's fence is then revoked at once (from Curator's
 * own thread: the ledger dispatches nothing more), the term's verticles are undeployed, notifiers
 * first, and this monitor stays in (or joins again) the election.
 */
public final class LeadershipTerms extends VerticleBase {

  private static final Logger log = LoggerFactory.getLogger(LeadershipTerms.class);
  private static final DeliveryOptions LOCAL = new DeliveryOptions().setLocalOnly(true);

  private final CuratorFramework client;
  private final String latchPath;
  private final String epochPath;
  private final String instance;
  private final Readiness readiness;
  private final Function<ZkBatchWriter.Fence, List<? extends Deployable>> term;

  private LeaderLatch latch;
  private boolean leader;
  private boolean active;
  private boolean busy;
  private boolean stopping;
  private final List<String> deployed = new ArrayList<>();
  private volatile int epoch = -1;

  /** The current term's fence, revoked straight from Curator's thread when leadership goes. */
  private volatile ZkBatchWriter.Fence fence;

  private long leaderSinceNanos;

  /**
   * The term stops sending as soon as the ledger's session is in doubt, without waiting for the
   * latch (which gives up leadership only once the session is lost, and can learn that later than
   * the server expired it): SUSPENDED holds the term's fence, RECONNECTED releases it, LOST revokes
   * it. A connection after a LOST is a new session, whose fence is already revoked.
   */
  private final ConnectionStateListener sessionWatch = (c, state) -> ledgerSession(state);

  /**
   * @param client the session whose ephemeral node holds leadership; the ledger must write on this
   *     session too, so that it reads what the previous term wrote
   * @param instance this monitor, as the latch and the epoch znode name it
   * @param term the verticles of one term, in deployment order (notifiers first), built anew for
   *     each term with its fence
   */
  public LeadershipTerms(
      CuratorFramework client,
      ZkLayout layout,
      String instance,
      Readiness readiness,
      Function<ZkBatchWriter.Fence, List<? extends Deployable>> term) {
    this.client = client;
    this.latchPath = layout.monitorLeader();
    this.epochPath = layout.monitorEpoch();
    this.instance = instance;
    this.readiness = readiness;
    this.term = term;
  }

  /** The epoch (the epoch znode's version) of the current term; -1 while standing by. */
  public int epoch() {
    return epoch;
  }

  @Override
  public Future<?> start() {
    readiness.role(Readiness.Role.STANDBY);
    // On Curator's own thread, like the latch's revocation: nothing waits for this context.
    client.getConnectionStateListenable().addListener(sessionWatch);
    join();
    return Future.succeededFuture();
  }

  /**
   * The term's verticles were deployed from this one's context, so Vert.x undeploys them with it;
   * what is left is to leave the election.
   */
  @Override
  public Future<?> stop() {
    client.getConnectionStateListenable().removeListener(sessionWatch);
    stopping = true;
    leader = false;
    LeaderLatch current = latch;
    latch = null;
    return closeLatch(current);
  }

  private void join() {
    LeaderLatch fresh = new LeaderLatch(client, latchPath, instance);
    latch = fresh;
    fresh.addListener(
        new LeaderLatchListener() {
          @Override
          public void isLeader() {
            leadership(fresh, true);
          }

          @Override
          public void notLeader() {
            leadership(fresh, false);
          }
        },
        task -> context.runOnContext(v -> task.run()));
    // Before the hop onto this context: from this moment the ledger sends nothing more.
    fresh.addListener(
        new LeaderLatchListener() {
          @Override
          public void isLeader() {}

          @Override
          public void notLeader() {
            ZkBatchWriter.Fence current = fence;
            if (current != null) {
              current.revoke();
            }
          }
        },
        Runnable::run);
    try {
      fresh.start(); // asynchronous: the latch node is created once connected
    } catch (Exception e) {
      log.error("Could not join the leader election at {}: {}", latchPath, e.toString());
    }
  }

  private void ledgerSession(ConnectionState state) {
    ZkBatchWriter.Fence current = fence;
    if (current == null) {
      return;
    }
    switch (state) {
      case SUSPENDED -> {
        current.hold();
        log.warn("{}: ledger session in doubt; holding notifications", instance);
      }
      case RECONNECTED -> current.release();
      case LOST -> current.revoke();
      default -> {}
    }
  }

  private void leadership(LeaderLatch from, boolean gained) {
    if (from != latch || stopping) {
      return; // a latch we have left
    }
    if (gained) {
      leaderSinceNanos = System.nanoTime();
      log.info("{}: leader of {}", instance, latchPath);
    } else {
      log.warn("{}: no longer the leader (session lost); stopping notifications", instance);
    }
    leader = gained;
    step();
  }

  /** Brings the deployed verticles in line with the leadership, one change at a time. */
  private void step() {
    if (busy) {
      return;
    }
    if (leader && !active && !stopping) {
      busy = true;
      activate()
          .onComplete(
              done -> {
                busy = false;
                if (done.failed()) {
                  log.error("Could not become active: {}; leaving the election", done.cause());
                  deactivate().onComplete(v -> rejoin());
                  return;
                }
                step();
              });
    } else if (!leader && active) {
      busy = true;
      deactivate()
          .onComplete(
              done -> {
                busy = false;
                step();
              });
    }
  }

  private Future<Void> activate() {
    active = true;
    readiness.role(Readiness.Role.ACTIVE);
    return bumpEpoch()
        .compose(
            version -> {
              epoch = version;
              fence = new ZkBatchWriter.Fence(epochPath, version, this::fenced);
              if (!leader) {
                fence.revoke();
              } else if (!client.getZookeeperClient().isConnected()) {
                fence.hold(); // suspended since the epoch was written: released on RECONNECTED
              }
              Future<String> chain = Future.succeededFuture();
              for (Deployable verticle : term.apply(fence)) {
                chain =
                    chain.compose(
                        id ->
                            vertx
                                .deployVerticle(verticle, OwnThread.deploymentOptions(verticle))
                                .onSuccess(deployed::add));
              }
              return chain;
            })
        .map(
            id -> {
              vertx.eventBus().send(Addresses.ZK_STREAM, true, LOCAL);
              log.info(
                  "{}: active, epoch {}, {} ms after gaining leadership",
                  instance,
                  epoch,
                  (System.nanoTime() - leaderSinceNanos) / 1_000_000);
              return null;
            });
  }

  /**
   * Undeploys the term's verticles, starting with the notifiers; completes when all are gone. The
   * undeploys are started together rather than one after the other: an undeploy can wait on the
   * cluster (a consumer's registration is removed from ZooKeeper), and a lost session is exactly
   * when ZooKeeper is away. The fence is revoked first, so the ledger dispatches nothing meanwhile.
   */
  private Future<Void> deactivate() {
    if (!active) {
      return Future.succeededFuture();
    }
    active = false;
    epoch = -1;
    if (fence != null) {
      fence.revoke();
      fence = null;
    }
    vertx.eventBus().send(Addresses.ZK_STREAM, false, LOCAL);
    List<Future<Void>> undeploys = new ArrayList<>();
    for (String id : deployed) {
      undeploys.add(
          vertx
              .undeploy(id)
              .otherwise(
                  error -> {
                    log.warn("Could not undeploy {}: {}", id, error.toString());
                    return null;
                  }));
    }
    deployed.clear();
    return Future.all(undeploys)
        .<Void>mapEmpty()
        .onComplete(
            v -> {
              readiness.role(Readiness.Role.STANDBY);
              log.info("{}: standing by", instance);
            });
  }

  /** The ledger was refused a write: a newer term exists, whatever the latch said. */
  private void fenced() {
    context.runOnContext(
        v -> {
          if (!active || stopping) {
            return;
          }
          log.warn("{}: fenced off by a newer term; standing by", instance);
          leader = false;
          step();
          rejoin();
        });
  }

  private void rejoin() {
    if (stopping) {
      return;
    }
    LeaderLatch old = latch;
    latch = null;
    leader = false;
    closeLatch(old).onComplete(v -> join());
  }

  private Future<Void> closeLatch(LeaderLatch old) {
    if (old == null) {
      return Future.succeededFuture();
    }
    return vertx.executeBlocking(
        () -> {
          try {
            old.close();
          } catch (Exception e) {
            log.debug("Closing the leader latch: {}", e.toString());
          }
          return null;
        },
        false);
  }

  /**
   * Writes the epoch znode (creating it the first time) and returns its new version: the number of
   * this term. Written on the leader's own session, so what this session reads afterwards includes
   * everything the previous term wrote before it.
   */
  private Future<Integer> bumpEpoch() {
    AsyncCuratorFramework async = AsyncCuratorFramework.wrap(client);
    byte[] data =
        ("{\"leader\":\"" + instance + "\",\"since\":\"" + Instant.now() + "\"}")
            .getBytes(StandardCharsets.UTF_8);
    return Future.fromCompletionStage(async.setData().forPath(epochPath, data), context)
        .map(stat -> stat.getVersion())
        .recover(
            error -> {
              if (!ZkErrors.is(error, KeeperException.Code.NONODE)) {
                return Future.failedFuture(error);
              }
              return Future.fromCompletionStage(
                      async
                          .create()
                          .withOptions(EnumSet.of(CreateOption.createParentsIfNeeded))
                          .forPath(epochPath, data),
                      context)
                  .map(path -> 0)
                  .recover(
                      again ->
                          ZkErrors.is(again, KeeperException.Code.NODEEXISTS)
                              ? bumpEpoch()
                              : Future.failedFuture(again));
            });
  }
}
