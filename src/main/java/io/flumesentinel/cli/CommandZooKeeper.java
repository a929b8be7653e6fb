package io.flumesentinel.cli;

import io.flumesentinel.config.ConfigException;
import io.flumesentinel.config.ConfigLoader;
import io.flumesentinel.config.ZkAccess;
import io.flumesentinel.config.ZkTlsConfig;
import io.flumesentinel.protocol.ZkErrors;
import io.flumesentinel.protocol.ZkLayout;
import io.flumesentinel.zk.ZkClients;
import io.flumesentinel.zk.ZkSecurity;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.curator.framework.CuratorFramework;
import org.apache.curator.framework.CuratorFrameworkFactory;
import org.apache.curator.retry.ExponentialBackoffRetry;
import org.apache.zookeeper.KeeperException;
import org.apache.zookeeper.WatchedEvent;
import org.apache.zookeeper.Watcher;

/**
 * The ZooKeeper client of a one-shot command ({@code deregister}, {@code silence}): connected
 * within the connection timeout, or the command ends with one line naming the ensemble it could not
 * reach ({@link Unreachable}). Its log goes to stderr from the start ({@link
 * Logging#toStandardError}), so stdout holds the command's results only.
 */
final class CommandZooKeeper implements AutoCloseable {

  /** How long a command waits for a connection (and a reconnection) before it gives up. */
  static final Duration CONNECTION_TIMEOUT = Duration.ofSeconds(5);

  /** How long one request may take, retries included. */
  static final Duration REQUEST_TIMEOUT = Duration.ofSeconds(15);

  /**
   * How long a request that lost its connection waits for ZooKeeper's verdict on the login before
   * it says ZooKeeper could not be reached.
   */
  static final Duration LOGIN_VERDICT_WITHIN = Duration.ofSeconds(2);

  private final CuratorFramework client;
  private final String connect;
  private final boolean authenticates;

  /** Counted down when ZooKeeper refuses the login ({@code AuthFailed}). */
  private final CountDownLatch loginRefused;

  private CommandZooKeeper(
      CuratorFramework client, String connect, boolean authenticates, CountDownLatch loginRefused) {
    this.client = client;
    this.connect = connect;
    this.authenticates = authenticates;
    this.loginRefused = loginRefused;
  }

  /** ZooKeeper could not be reached: the whole message is the command's one line on stderr. */
  static final class Unreachable extends RuntimeException {
    Unreachable(String message) {
      super(message, null, false, false);
    }
  }

  /**
   * The {@code --zk-auth} file's authentication and ACLs, or none when no file is named.
   *
   * @throws ConfigException naming the option or the file's key
   */
  static ZkAccess access(Path file) {
    if (file == null || file.toString().isBlank()) {
      return ZkAccess.none();
    }
    try {
      return ConfigLoader.loadZkAccess(file);
    } catch (ConfigException e) {
      // Problems of the file itself name it; problems of a key name the key, the file being given.
      throw new ConfigException("--zk-auth", e.getMessage());
    }
  }

  /**
   * A started client, with TLS when {@code tls} is given and {@code access}'s identity and ACLs,
   * connected within {@link #CONNECTION_TIMEOUT}.
   *
   * @throws Unreachable naming {@code connect} when ZooKeeper does not answer in time
   */
  static CommandZooKeeper connect(String connect, ZkTlsConfig tls, ZkAccess access, ZkLayout layout)
      throws InterruptedException {
    Logging.toStandardError();
    CuratorFramework client =
        ZkSecurity.apply(
                CuratorFrameworkFactory.builder()
                    .connectString(connect)
                    .sessionTimeoutMs(10_000)
                    .connectionTimeoutMs((int) CONNECTION_TIMEOUT.toMillis())
                    .retryPolicy(new ExponentialBackoffRetry(100, 3, 1000)),
                ZkClients.clientConfig(tls),
                access,
                layout,
                null)
            .build();
    CountDownLatch loginRefused = new CountDownLatch(1);
    client
        .getCuratorListenable()
        .addListener(
            (c, event) -> {
              WatchedEvent watched = event.getWatchedEvent();
              if (watched != null && watched.getState() == Watcher.Event.KeeperState.AuthFailed) {
                loginRefused.countDown();
              }
            });
    client.start();
    if (!client.blockUntilConnected((int) CONNECTION_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS)) {
      client.close();
      throw new Unreachable(
          "cannot reach ZooKeeper at "
              + connect
              + " (no connection within "
              + CONNECTION_TIMEOUT.toSeconds()
              + " s"
              + (tls == null ? "" : ", with TLS")
              + ")");
    }
    return new CommandZooKeeper(client, connect, access.authenticates(), loginRefused);
  }

  CuratorFramework client() {
    return client;
  }

  /**
   * The request's result within {@link #REQUEST_TIMEOUT}; its own exception when it failed, or
   * {@link Unreachable} when it failed because ZooKeeper went away meanwhile.
   */
  <T> T await(CompletionStage<T> request) throws Exception {
    try {
      return request.toCompletableFuture().get(REQUEST_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
    } catch (TimeoutException e) {
      throw new Unreachable(
          "cannot reach ZooKeeper at "
              + connect
              + " (no answer within "
              + REQUEST_TIMEOUT.toSeconds()
              + " s)");
    } catch (ExecutionException e) {
      if (ZkErrors.unreachable(e)) {
        if (authenticates
            && loginRefused.await(LOGIN_VERDICT_WITHIN.toMillis(), TimeUnit.MILLISECONDS)) {
          // A refused login ends with the connection closed: the request may see the connection
          // lost before the client has read the refusal, which is what the user has to act on.
          throw KeeperException.create(KeeperException.Code.AUTHFAILED);
        }
        // An ensemble that requires authentication closes the session of a client that has none
        // at its first request, which the client may see as a lost connection rather than as the
        // refusal: say what to check.
        throw new Unreachable(
            "cannot reach ZooKeeper at "
                + connect
                + " ("
                + ZkErrors.cause(e).getMessage()
                + ")"
                + (authenticates
                    ? ""
                    : "; if the ensemble requires authentication, give --zk-auth (see"
                        + " docs/security.md)"));
      }
      if (ZkErrors.cause(e) instanceof Exception cause) {
        throw cause;
      }
      throw e;
    }
  }

  @Override
  public void close() {
    client.close();
  }
}
