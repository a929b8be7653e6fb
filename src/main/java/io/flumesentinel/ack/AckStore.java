package io.flumesentinel.ack;

import io.flumesentinel.event.NodeData;
import io.flumesentinel.protocol.ZkErrors;
import io.flumesentinel.protocol.ZkLayout;
import java.time.Instant;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.function.UnaryOperator;
import org.apache.curator.x.async.AsyncCuratorFramework;
import org.apache.curator.x.async.api.CreateOption;
import org.apache.zookeeper.KeeperException;
import org.apache.zookeeper.data.Stat;

/**
 * Acknowledgements in ZooKeeper: one PERSISTENT znode per acknowledged alert, {@code
 * <root>/acks/<fingerprint>}, holding its {@link Ack} JSON. Used by the {@code ack} command, the
 * HTTP API and the monitor, so all write and read them the same way. Every call is asynchronous;
 * stages complete on Curator's threads.
 */
public final class AckStore {

  /**
   * What was read under {@code <root>/acks}.
   *
   * @param unreadable one line per znode that is not an acknowledgement (named, with the problem)
   */
  public record Listing(Acks acks, List<String> unreadable) {}

  private final AsyncCuratorFramework zk;
  private final ZkLayout layout;

  public AckStore(AsyncCuratorFramework zk, ZkLayout layout) {
    this.zk = zk;
    this.layout = layout;
  }

  /**
   * Writes {@code ack} (and the parents), replacing an earlier acknowledgement of the same alert:
   * the last person to take it in hand is the one shown.
   */
  public CompletionStage<Ack> put(Ack ack) {
    String path = layout.ack(ack.fingerprint());
    return zk.create()
        .withOptions(EnumSet.of(CreateOption.createParentsIfNeeded))
        .forPath(path, ack.toBytes())
        .handle(
            (created, error) -> {
              if (error == null) {
                return CompletableFuture.completedFuture(ack);
              }
              if (ZkErrors.is(error, KeeperException.Code.NODEEXISTS)) {
                return zk.setData().forPath(path, ack.toBytes()).thenApply(stat -> ack);
              }
              return CompletableFuture.<Ack>failedFuture(ZkErrors.cause(error));
            })
        .thenCompose(stage -> stage);
  }

  /**
   * Removes the acknowledgement of {@code fingerprint}; completes {@code false} if there was none.
   */
  public CompletionStage<Boolean> remove(String fingerprint) {
    return zk.delete()
        .forPath(layout.ack(fingerprint))
        .handle(
            (done, error) -> {
              if (error == null) {
                return true;
              }
              if (ZkErrors.is(error, KeeperException.Code.NONODE)) {
                return false;
              }
              throw new CompletionException(ZkErrors.cause(error));
            });
  }

  /**
   * Removes the acknowledgement of {@code fingerprint} unless it acknowledges another incident than
   * the one that began at {@code startsAt} (one written meanwhile for a new incident stays): a
   * read, then a delete of the version read. Completes {@code false} when nothing was removed.
   */
  public CompletionStage<Boolean> removeOf(String fingerprint, Instant startsAt) {
    String path = layout.ack(fingerprint);
    Stat stat = new Stat();
    return zk.getData()
        .storingStatIn(stat)
        .forPath(path)
        .thenCompose(
            data -> {
              boolean other;
              try {
                other = !Ack.parse(fingerprint, data).startsAt().equals(startsAt);
              } catch (IllegalArgumentException unreadable) {
                other = false; // holds for nothing: removed with the incident it was found with
              }
              if (other) {
                return CompletableFuture.completedFuture(false);
              }
              return zk.delete().withVersion(stat.getVersion()).forPath(path).thenApply(d -> true);
            })
        .handle(
            (removed, error) -> {
              if (error == null) {
                return removed;
              }
              if (ZkErrors.is(error, KeeperException.Code.NONODE)
                  || ZkErrors.is(error, KeeperException.Code.BADVERSION)) {
                return false;
              }
              throw new CompletionException(ZkErrors.cause(error));
            });
  }

  /**
   * The acknowledgements among the children of {@code <root>/acks} as read (name → data).
   *
   * @param shown how a name or problem read from ZooKeeper is written into a line of {@link
   *     Listing#unreadable()}
   */
  public static Listing listing(
      ZkLayout layout, Map<String, NodeData> children, UnaryOperator<String> shown) {
    Map<String, Ack> acks = new HashMap<>();
    List<String> unreadable = new ArrayList<>();
    children.forEach(
        (name, node) -> {
          try {
            acks.put(name, Ack.parse(name, node.data()));
          } catch (IllegalArgumentException e) {
            unreadable.add(
                shown.apply(layout.acks() + "/" + name) + ": " + shown.apply(e.getMessage()));
          }
        });
    return new Listing(new Acks(acks), List.copyOf(unreadable));
  }
}
