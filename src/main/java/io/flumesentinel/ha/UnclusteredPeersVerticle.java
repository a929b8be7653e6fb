package io.flumesentinel.ha;

import io.flumesentinel.protocol.ZkErrors;
import io.flumesentinel.protocol.ZkLayout;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import org.apache.curator.utils.ZKPaths;
import org.apache.curator.x.async.AsyncCuratorFramework;
import org.apache.curator.x.async.api.CreateOption;
import org.apache.zookeeper.CreateMode;
import org.apache.zookeeper.KeeperException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Warns when this monitor runs without cluster mode and another monitor watches the same root:
 * nothing elects between them, so every alert would be sent by each. A monitor without cluster mode
 * announces itself with an ephemeral node under {@link ZkLayout#singleMonitors()}; this verticle
 * looks at that and at the cluster's leader election, at start-up and every {@code recheck}, and
 * logs a warning when the set of other monitors changes (and once when they are gone). It never
 * stops anything: two monitors on purpose (say, a migration) are the operator's call.
 */
public final class UnclusteredPeersVerticle extends VerticleBase {

  public static final Duration RECHECK = Duration.ofSeconds(30);

  private static final Logger log = LoggerFactory.getLogger(UnclusteredPeersVerticle.class);

  private final AsyncCuratorFramework zk;
  private final ZkLayout layout;
  private final String instance;
  private final Duration recheck;
  private List<String> warnedAbout = List.of();
  private long timer = -1;

  /**
   * @param instance this monitor, as other monitors' warnings name it (host name and a random
   *     suffix)
   */
  public UnclusteredPeersVerticle(
      AsyncCuratorFramework zk, ZkLayout layout, String instance, Duration recheck) {
    this.zk = zk;
    this.layout = layout;
    this.instance = instance;
    this.recheck = recheck;
  }

  @Override
  public Future<?> start() {
    // Announcing is best effort: a monitor whose ZooKeeper is not there yet still starts (the
    // recheck announces it then).
    announce().onComplete(done -> check());
    timer = vertx.setPeriodic(recheck.toMillis(), id -> announce().onComplete(done -> check()));
    return Future.succeededFuture();
  }

  @Override
  public Future<?> stop() {
    vertx.cancelTimer(timer);
    return Future.succeededFuture();
  }

  /** Creates this monitor's ephemeral node, unless it exists (a new session recreates it). */
  private Future<Void> announce() {
    return Future.<String>fromCompletionStage(
            zk.create()
                .withOptions(EnumSet.of(CreateOption.createParentsIfNeeded), CreateMode.EPHEMERAL)
                .forPath(
                    ZKPaths.makePath(layout.singleMonitors(), instance),
                    instance.getBytes(StandardCharsets.UTF_8)),
            context)
        .<Void>mapEmpty()
        .recover(error -> Future.succeededFuture());
  }

  private void check() {
    Future<List<String>> single = children(layout.singleMonitors());
    Future<List<String>> clustered = children(layout.monitorLeader());
    Future.all(single, clustered)
        .onSuccess(
            both -> {
              List<String> others = new ArrayList<>();
              single.result().stream().filter(name -> !name.equals(instance)).forEach(others::add);
              int inCluster = clustered.result().size();
              if (inCluster > 0) {
                others.add(inCluster + " in cluster mode");
              }
              others.sort(null);
              if (others.equals(warnedAbout)) {
                return;
              }
              if (others.isEmpty()) {
                log.info("No other monitor watches {} any more", layout.root());
              } else {
                log.warn(
                    "Other monitors watch {} too: {}. This one runs without cluster mode, so each"
                        + " of them sends every alert: run all of them with 'cluster: true' (or"
                        + " --cluster) to have exactly one notify",
                    layout.root(),
                    String.join(", ", others));
              }
              warnedAbout = List.copyOf(others);
            });
  }

  private Future<List<String>> children(String path) {
    return Future.fromCompletionStage(zk.getChildren().forPath(path), context)
        .recover(
            error ->
                ZkErrors.is(error, KeeperException.Code.NONODE)
                    ? Future.succeededFuture(List.of())
                    : Future.failedFuture(error));
  }
}
