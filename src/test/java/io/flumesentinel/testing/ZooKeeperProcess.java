package io.flumesentinel.testing;

import io.flumesentinel.zk.StandaloneZooKeeper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Stream;

/**
 * A real ZooKeeper server in a JVM of its own ({@link StandaloneZooKeeper}), on a free port with a
 * temporary data directory: a server the process under test can lose, and whose threads, heap and
 * GC do not share a benchmark's JVM. Closing it kills the server and deletes the directory.
 */
public final class ZooKeeperProcess implements AutoCloseable {

  /** The server's heap; the same in every run, so that benchmark figures are comparable. */
  private static final int MAX_HEAP_MB = 256;

  /** Short ticks let the server accept short sessions (two ticks at the least). */
  private static final String TICK_TIME_MS = "200";

  private static final Duration START_WITHIN = Duration.ofSeconds(30);

  private final ChildJvm jvm;
  private final Path dataDir;
  private final String connectString;

  private ZooKeeperProcess(ChildJvm jvm, Path dataDir, String connectString) {
    this.jvm = jvm;
    this.dataDir = dataDir;
    this.connectString = connectString;
  }

  /** Starts the server on a free port and returns once it has said it listens. */
  public static ZooKeeperProcess start() throws IOException, InterruptedException {
    return start(0);
  }

  /**
   * Starts the server on {@code port} (0: a free one) and returns once it has said it listens: a
   * server that appears, or comes back, where a process under test expects it.
   */
  public static ZooKeeperProcess start(int port) throws IOException, InterruptedException {
    return start(port, List.of());
  }

  /**
   * As {@link #start(int)}, with JVM options for the server, such as the system properties
   * ZooKeeper reads its authentication settings from ({@code -Dzookeeper.authProvider.1=…}, {@code
   * -Djava.security.auth.login.config=…}).
   */
  public static ZooKeeperProcess start(int port, List<String> jvmOptions)
      throws IOException, InterruptedException {
    Path dataDir = Files.createTempDirectory("zookeeper");
    ChildJvm jvm = null;
    try {
      List<String> command =
          ChildJvm.command(
              MAX_HEAP_MB,
              StandaloneZooKeeper.class.getName(),
              Integer.toString(port),
              dataDir.toString(),
              TICK_TIME_MS);
      command.addAll(1, jvmOptions);
      jvm = ChildJvm.start(command);
      String connect = jvm.await("ZooKeeper listening on (\\S+:\\d+)", START_WITHIN);
      return new ZooKeeperProcess(jvm, dataDir, connect);
    } catch (IOException | RuntimeException e) {
      if (jvm != null) {
        jvm.kill();
      }
      delete(dataDir);
      throw e;
    }
  }

  /** {@code 127.0.0.1:<port>}. */
  public String connectString() {
    return connectString;
  }

  /** Kills the server (SIGKILL) and deletes its data directory. */
  @Override
  public void close() {
    try {
      jvm.kill();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } finally {
      delete(dataDir);
    }
  }

  /** Deletes {@code dir} and everything under it. */
  static void delete(Path dir) {
    try (Stream<Path> files = Files.walk(dir)) {
      files.sorted(Comparator.reverseOrder()).forEach(path -> path.toFile().delete());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
