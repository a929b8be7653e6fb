package io.flumesentinel.protocol;

import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import org.apache.zookeeper.KeeperException;

/**
 * What a failed ZooKeeper call failed with. Curator's async API and {@code CompletableFuture}s wrap
 * the {@link KeeperException} in {@link CompletionException}s (or an {@link ExecutionException}
 * when waited for); every caller that decides on the error asks here.
 */
public final class ZkErrors {

  private ZkErrors() {}

  /** {@code error} without the completion and execution wrappers around it. */
  public static Throwable cause(Throwable error) {
    Throwable cause = error;
    while ((cause instanceof CompletionException || cause instanceof ExecutionException)
        && cause.getCause() != null) {
      cause = cause.getCause();
    }
    return cause;
  }

  /**
   * Whether {@code error} says that ZooKeeper could not be reached (the connection was lost, the
   * session expired or the request timed out), rather than answering: worth trying again once the
   * connection is back.
   */
  public static boolean unreachable(Throwable error) {
    return is(error, KeeperException.Code.CONNECTIONLOSS)
        || is(error, KeeperException.Code.SESSIONEXPIRED)
        || is(error, KeeperException.Code.OPERATIONTIMEOUT);
  }

  /** Whether {@code error} is ZooKeeper's answer {@code code}. */
  public static boolean is(Throwable error, KeeperException.Code code) {
    return cause(error) instanceof KeeperException keeper && keeper.code() == code;
  }
}
