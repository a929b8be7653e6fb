package io.flumesentinel.logging;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.turbo.TurboFilter;
import ch.qos.logback.core.spi.FilterReply;
import java.util.Set;
import org.slf4j.Marker;

/**
 * Drops what the ZooKeeper client and Curator log, with a stack trace, each time a connection
 * attempt or a request fails because ZooKeeper cannot be reached: while it is away that is several
 * stack traces a second, and says nothing new. The monitor and the supervisor log the connection's
 * state changes themselves, one line each.
 *
 * <p>Only events of loggers under {@code org.apache.zookeeper} and {@code org.apache.curator} are
 * dropped, and only when their exception (or one of its causes) is a connection problem; every
 * other event of theirs, and everything the product logs, passes.
 */
public class ConnectionLossFilter extends TurboFilter {

  private static final String[] LIBRARIES = {"org.apache.zookeeper", "org.apache.curator"};

  /** By name: this filter loads before, and without, the classes it names. */
  private static final Set<String> CONNECTION_PROBLEMS =
      Set.of(
          "java.net.ConnectException",
          "java.net.NoRouteToHostException",
          "java.net.UnknownHostException",
          "java.net.SocketException",
          "java.net.SocketTimeoutException",
          "java.nio.channels.UnresolvedAddressException",
          "org.apache.zookeeper.ClientCnxn$EndOfStreamException",
          "org.apache.zookeeper.ClientCnxn$SessionTimeoutException",
          "org.apache.zookeeper.ClientCnxn$SessionExpiredException",
          "org.apache.zookeeper.KeeperException$ConnectionLossException",
          "org.apache.zookeeper.KeeperException$SessionExpiredException",
          "org.apache.zookeeper.KeeperException$OperationTimeoutException",
          "org.apache.curator.CuratorConnectionLossException");

  /**
   * Curator's {@code PersistentNode} (the supervisor's live node) reads the {@code Stat} of the
   * answer to its background create, and a create cut short by a lost connection answers without
   * one: Curator then logs this NullPointerException with its stack trace and retries the node once
   * connected. It is the connection loss, seen through that recipe; any other NPE still shows.
   */
  private static final String PERSISTENT_NODE =
      "org.apache.curator.framework.recipes.nodes.PersistentNode";

  private static boolean isAnswerWithoutStat(Throwable thrown) {
    StackTraceElement[] trace = thrown.getStackTrace();
    return thrown instanceof NullPointerException
        && trace.length > 0
        && trace[0].getClassName().startsWith(PERSISTENT_NODE);
  }

  /** How many causes deep to look: a chain longer than this is no connection problem we know. */
  private static final int MAX_DEPTH = 8;

  @Override
  public FilterReply decide(
      Marker marker, Logger logger, Level level, String format, Object[] params, Throwable t) {
    if (!isStarted() || !fromLibrary(logger.getName())) {
      return FilterReply.NEUTRAL;
    }
    Throwable thrown = t;
    if (thrown == null
        && params != null
        && params.length > 0
        && params[params.length - 1] instanceof Throwable last) {
      // SLF4J takes a trailing exception argument as the event's throwable.
      thrown = last;
    }
    return isConnectionProblem(thrown) ? FilterReply.DENY : FilterReply.NEUTRAL;
  }

  private static boolean fromLibrary(String name) {
    for (String library : LIBRARIES) {
      if (name.startsWith(library)) {
        return true;
      }
    }
    return false;
  }

  static boolean isConnectionProblem(Throwable thrown) {
    Throwable cause = thrown;
    for (int depth = 0; cause != null && depth < MAX_DEPTH; depth++) {
      if (isAnswerWithoutStat(cause)) {
        return true;
      }
      for (Class<?> type = cause.getClass(); type != null; type = type.getSuperclass()) {
        if (CONNECTION_PROBLEMS.contains(type.getName())) {
          return true;
        }
      }
      cause = cause.getCause();
    }
    return false;
  }
}
