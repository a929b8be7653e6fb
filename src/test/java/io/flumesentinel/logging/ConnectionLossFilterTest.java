package io.flumesentinel.logging;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.core.spi.FilterReply;
import java.io.IOException;
import java.net.ConnectException;
import java.util.concurrent.CompletionException;
import java.util.stream.Stream;
import org.apache.curator.CuratorConnectionLossException;
import org.apache.zookeeper.KeeperException;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** What the client libraries log about an unreachable ZooKeeper is dropped; nothing else is. */
class ConnectionLossFilterTest {

  private static final String PERSISTENT_NODE_CALLBACK =
      "org.apache.curator.framework.recipes.nodes.PersistentNode$2";

  /** {@code thrown} as if thrown in a method of {@code className}. */
  private static Throwable thrownAt(Throwable thrown, String className) {
    thrown.setStackTrace(
        new StackTraceElement[] {
          new StackTraceElement(className, "processResult", "PersistentNode.java", 102)
        });
    return thrown;
  }

  static Stream<Arguments> events() {
    return Stream.of(
        // ZooKeeper's client, at each attempt to reconnect (the exception as last argument)
        Arguments.of(
            "org.apache.zookeeper.ClientCnxn",
            null,
            new Object[] {"0x0", "localhost/127.0.0.1:2181", new ConnectException("refused")},
            FilterReply.DENY),
        // Curator, when a background request gives up (the exception as the throwable)
        Arguments.of(
            "org.apache.curator.framework.imps.CuratorFrameworkImpl",
            new KeeperException.ConnectionLossException(),
            null,
            FilterReply.DENY),
        Arguments.of(
            "org.apache.curator.ConnectionState",
            new CuratorConnectionLossException(),
            null,
            FilterReply.DENY),
        // a connection problem as the cause
        Arguments.of(
            "org.apache.curator.framework.imps.CuratorFrameworkImpl",
            new CompletionException(new KeeperException.SessionExpiredException()),
            null,
            FilterReply.DENY),
        // PersistentNode's background create answered without a Stat by a lost connection
        Arguments.of(
            "org.apache.curator.framework.imps.CuratorFrameworkImpl",
            thrownAt(new NullPointerException("getStat() is null"), PERSISTENT_NODE_CALLBACK),
            null,
            FilterReply.DENY),
        // any other NullPointerException still shows
        Arguments.of(
            "org.apache.curator.framework.imps.CuratorFrameworkImpl",
            thrownAt(new NullPointerException(), "org.apache.curator.framework.imps.Other"),
            null,
            FilterReply.NEUTRAL),
        // another failure of the libraries still shows
        Arguments.of(
            "org.apache.curator.framework.imps.CuratorFrameworkImpl",
            new KeeperException.NoAuthException(),
            null,
            FilterReply.NEUTRAL),
        Arguments.of(
            "org.apache.zookeeper.ClientCnxn",
            null,
            new Object[] {new IOException("disk full")},
            FilterReply.NEUTRAL),
        Arguments.of("org.apache.curator.ConnectionState", null, null, FilterReply.NEUTRAL),
        // the product's own lines always pass
        Arguments.of(
            "io.flumesentinel.cli.CommandLineErrors",
            new KeeperException.ConnectionLossException(),
            null,
            FilterReply.NEUTRAL));
  }

  @ParameterizedTest
  @MethodSource("events")
  void decides(String logger, Throwable thrown, Object[] params, FilterReply expected) {
    LoggerContext context = new LoggerContext();
    ConnectionLossFilter filter = new ConnectionLossFilter();
    filter.setContext(context);
    filter.start();

    assertThat(
            filter.decide(null, context.getLogger(logger), Level.WARN, "message", params, thrown))
        .isEqualTo(expected);
  }
}
