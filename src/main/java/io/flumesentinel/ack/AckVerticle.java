package io.flumesentinel.ack;

import io.flumesentinel.event.Addresses;
import io.flumesentinel.protocol.UntrustedText;
import io.flumesentinel.protocol.ZkErrors;
import io.flumesentinel.protocol.ZkLayout;
import io.flumesentinel.zk.ChildrenReader;
import io.flumesentinel.zk.WatchedReload;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.eventbus.DeliveryOptions;
import java.util.EnumSet;
import java.util.Set;
import org.apache.curator.framework.CuratorFramework;
import org.apache.curator.x.async.AsyncCuratorFramework;
import org.apache.curator.x.async.api.CreateOption;
import org.apache.zookeeper.KeeperException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Keeps the {@link AckIndex} equal to {@code <root>/acks} in ZooKeeper, and tells the alert ledger
 * (a message without body on {@link Addresses#ACKS}) whenever the acknowledgements changed. {@link
 * #start()} completes once they are loaded, so the ledger, deployed after it, never reminds of an
 * alert someone acknowledged.
 *
 * <p>Every creation, change and removal under {@code <root>/acks}, and each setting of the watch
 * after a reconnection, reads all acknowledgements again in batched reads ({@link WatchedReload},
 * {@link ChildrenReader}); there are as many as alerts people took in hand. While ZooKeeper cannot
 * be read the last acknowledgements known stay in force. Runs on its own context; Curator's
 * callbacks hop onto it.
 */
public final class AckVerticle extends VerticleBase {

  private static final Logger log = LoggerFactory.getLogger(AckVerticle.class);
  private static final DeliveryOptions LOCAL = new DeliveryOptions().setLocalOnly(true);

  private final CuratorFramework client;
  private final ZkLayout layout;
  private final AckIndex index;
  private ChildrenReader reader;
  private WatchedReload watch;
  private Set<String> unreadable = Set.of();

  public AckVerticle(CuratorFramework client, ZkLayout layout, AckIndex index) {
    this.client = client;
    this.layout = layout;
    this.index = index;
  }

  @Override
  public Future<?> start() {
    reader = new ChildrenReader(client, context);
    return Future.fromCompletionStage(
            AsyncCuratorFramework.wrap(client)
                .create()
                .withOptions(EnumSet.of(CreateOption.createParentsIfNeeded))
                .forPath(layout.acks()),
            context)
        .recover(
            error ->
                ZkErrors.is(error, KeeperException.Code.NODEEXISTS)
                    ? Future.succeededFuture()
                    : Future.failedFuture(error))
        .compose(created -> reader.read(layout.acks()))
        .map(
            children -> {
              apply(children);
              watch = new WatchedReload(client, layout.acks(), context, this::load);
              watch.start();
              return null;
            });
  }

  @Override
  public Future<?> stop() {
    if (watch != null) {
      watch.close();
    }
    return Future.succeededFuture();
  }

  private Future<?> load() {
    return reader
        .read(layout.acks())
        .onComplete(
            done -> {
              if (done.succeeded()) {
                apply(done.result());
              } else {
                log.warn(
                    "Could not read the acknowledgements ({}); the {} known stay in force",
                    done.cause().toString(),
                    index.current().size());
              }
            });
  }

  private void apply(ChildrenReader.Children children) {
    AckStore.Listing listing =
        AckStore.listing(
            layout,
            children.nodes(),
            text -> UntrustedText.cut(UntrustedText.line(text), UntrustedText.MAX_VALUE_CHARS));
    Set<String> problems = Set.copyOf(listing.unreadable());
    for (String problem : problems) {
      if (!unreadable.contains(problem)) {
        log.warn("Ignoring an unreadable acknowledgement: {}", problem);
      }
    }
    unreadable = problems;
    Acks before = index.current();
    Acks next = listing.acks();
    if (next.equals(before)) {
      return;
    }
    for (Ack ack : next.all()) {
      if (!ack.equals(before.byFingerprint().get(ack.fingerprint()))) {
        log.info(
            "Alert {} (incident of {}) acknowledged by {}: {}",
            ack.fingerprint(),
            ack.startsAt(),
            ack.by(),
            ack.comment());
      }
    }
    before.byFingerprint().keySet().stream()
        .filter(fingerprint -> !next.byFingerprint().containsKey(fingerprint))
        .forEach(fingerprint -> log.info("Acknowledgement of alert {} removed", fingerprint));
    index.update(next);
    vertx.eventBus().publish(Addresses.ACKS, null, LOCAL);
  }
}
