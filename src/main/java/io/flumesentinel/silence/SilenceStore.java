package io.flumesentinel.silence;

import io.flumesentinel.protocol.ZkErrors;
import io.flumesentinel.protocol.ZkLayout;
import java.time.Instant;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import org.apache.curator.x.async.AsyncCuratorFramework;
import org.apache.curator.x.async.api.CreateOption;
import org.apache.zookeeper.KeeperException;
import org.apache.zookeeper.data.Stat;

/**
 * Silences in ZooKeeper: one PERSISTENT znode per silence, {@code <root>/silences/<id>}, holding
 * its JSON. Used by the {@code silence} command and by the monitor, so both read and write the same
 * way. Every call is asynchronous; stages complete on Curator's threads.
 *
 * <p>A silence is written once and then only expired (its end moved to now), with a versioned
 * write, so two people expiring or a monitor removing an old silence never undo each other's work.
 */
public final class SilenceStore {

  /** A silence as read, with the znode version a conditional write or delete needs. */
  public record Stored(Silence silence, int version) {}

  /**
   * Everything under {@code <root>/silences}.
   *
   * @param silences the silences that pass the rules
   * @param invalid the silences the rules refuse, with their znode versions
   * @param unreadable one line per znode that is not a silence (named, with the problem)
   */
  public record Listing(List<Stored> silences, List<Invalid> invalid, List<String> unreadable) {

    public Listing(List<Stored> silences, List<String> unreadable) {
      this(silences, List.of(), unreadable);
    }

    /** The silences: those that mute, and the invalid ones, which mute nothing. */
    public Silences index() {
      return new Silences(
          silences.stream().map(Stored::silence).toList(),
          invalid.stream().map(Invalid::refused).toList());
    }
  }

  /** A stored silence the rules refuse. */
  public record Invalid(InvalidSilence refused, int version) {}

  private static final int EXPIRE_ATTEMPTS = 5;

  private final AsyncCuratorFramework zk;
  private final ZkLayout layout;
  private final SilenceRules rules;

  /** A store whose listings judge silences by the default rules. */
  public SilenceStore(AsyncCuratorFramework zk, ZkLayout layout) {
    this(zk, layout, SilenceRules.defaults());
  }

  /**
   * @param rules what {@link #list()} checks every silence it reads with
   */
  public SilenceStore(AsyncCuratorFramework zk, ZkLayout layout, SilenceRules rules) {
    this.zk = zk;
    this.layout = layout;
    this.rules = rules;
  }

  /** Creates {@code silence}'s znode (and its parents). */
  public CompletionStage<Silence> add(Silence silence) {
    return zk.create()
        .withOptions(EnumSet.of(CreateOption.createParentsIfNeeded))
        .forPath(layout.silence(silence.id()), silence.toBytes())
        .thenApply(path -> silence);
  }

  /**
   * Reads every silence, and sorts out those the rules refuse ({@link Listing#invalid()}); a
   * missing parent means none.
   */
  public CompletionStage<Listing> list() {
    return zk.getChildren()
        .forPath(layout.silences())
        .exceptionally(
            error -> {
              if (ZkErrors.is(error, KeeperException.Code.NONODE)) {
                return List.of();
              }
              throw new CompletionException(ZkErrors.cause(error));
            })
        .thenCompose(
            names -> {
              List<CompletableFuture<Object>> reads = new ArrayList<>();
              for (String name : names) {
                reads.add(read(name).toCompletableFuture());
              }
              return CompletableFuture.allOf(reads.toArray(CompletableFuture[]::new))
                  .thenApply(
                      done -> {
                        List<Stored> silences = new ArrayList<>();
                        List<Invalid> invalid = new ArrayList<>();
                        List<String> unreadable = new ArrayList<>();
                        for (CompletableFuture<Object> read : reads) {
                          Object result = read.join();
                          if (result instanceof Stored stored) {
                            String problem = rules.problem(stored.silence());
                            if (problem == null) {
                              silences.add(stored);
                            } else {
                              invalid.add(
                                  new Invalid(
                                      new InvalidSilence(stored.silence(), problem),
                                      stored.version()));
                            }
                          } else if (result instanceof String problem) {
                            unreadable.add(problem);
                          }
                        }
                        return new Listing(
                            List.copyOf(silences), List.copyOf(invalid), List.copyOf(unreadable));
                      });
            });
  }

  /**
   * Ends silence {@code id} at {@code now}. Completes empty when there is no such silence, and
   * fails with an {@link IllegalStateException} when it has already expired.
   */
  public CompletionStage<Optional<Silence>> expire(String id, Instant now) {
    return expire(id, now, EXPIRE_ATTEMPTS);
  }

  private CompletionStage<Optional<Silence>> expire(String id, Instant now, int attempts) {
    String path = layout.silence(id);
    Stat stat = new Stat();
    return zk.getData()
        .storingStatIn(stat)
        .forPath(path)
        .thenCompose(
            data -> {
              Silence expired = Silence.parse(id, data).expire(now);
              return zk.setData()
                  .withVersion(stat.getVersion())
                  .forPath(path, expired.toBytes())
                  .thenApply(written -> Optional.of(expired));
            })
        .handle(
            (expired, error) -> {
              if (error == null) {
                return CompletableFuture.completedFuture(expired);
              }
              if (ZkErrors.is(error, KeeperException.Code.NONODE)) {
                return CompletableFuture.completedFuture(Optional.<Silence>empty());
              }
              if (ZkErrors.is(error, KeeperException.Code.BADVERSION) && attempts > 1) {
                return expire(id, now, attempts - 1);
              }
              return CompletableFuture.<Optional<Silence>>failedFuture(ZkErrors.cause(error));
            })
        .thenCompose(stage -> stage);
  }

  /**
   * Removes a silence if it is still at {@code version}; completes {@code false} when it was gone
   * or changed meanwhile.
   */
  public CompletionStage<Boolean> remove(String id, int version) {
    return zk.delete()
        .withVersion(version)
        .forPath(layout.silence(id))
        .handle(
            (done, error) -> {
              if (error == null) {
                return true;
              }
              if (ZkErrors.is(error, KeeperException.Code.NONODE)
                  || ZkErrors.is(error, KeeperException.Code.BADVERSION)) {
                return false;
              }
              throw new CompletionException(ZkErrors.cause(error));
            });
  }

  /** A {@link Stored} silence, a one-line problem, or {@code null} when the node is gone. */
  private CompletionStage<Object> read(String name) {
    if (Silence.idProblem(name) != null) {
      return CompletableFuture.completedFuture(
          layout.silences() + "/" + name + ": not a silence id");
    }
    Stat stat = new Stat();
    return zk.getData()
        .storingStatIn(stat)
        .forPath(layout.silence(name))
        .handle(
            (data, error) -> {
              if (error != null) {
                if (ZkErrors.is(error, KeeperException.Code.NONODE)) {
                  return null;
                }
                throw new CompletionException(ZkErrors.cause(error));
              }
              try {
                return new Stored(Silence.parse(name, data), stat.getVersion());
              } catch (IllegalArgumentException e) {
                return layout.silence(name) + ": " + e.getMessage();
              }
            });
  }
}
