package io.flumesentinel.chaos;

import io.flumesentinel.testing.ChildJvm;
import io.flumesentinel.zk.StandaloneZooKeeper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Comparator;
import java.util.stream.Stream;

/**
 * A real ZooKeeper server in a JVM of its own on a port chosen before it starts, so that a monitor
 * can be told its address while nothing listens there yet. Closing it kills the server and deletes
 * its data directory.
 */
final class PortZooKeeper implements AutoCloseable {

  private final ChildJvm jvm;
  private final Path dataDir;
  private final String connectString;

  private PortZooKeeper(ChildJvm jvm, Path dataDir, String connectString) {
    this.jvm = jvm;
    this.dataDir = dataDir;
    this.connectString = connectString;
  }

  /** Starts the server on {@code port} and returns once it has said it listens. */
  static PortZooKeeper start(int port) throws IOException, InterruptedException {
    Path dataDir = Files.createTempDirectory("zookeeper");
    ChildJvm jvm = null;
    try {
      jvm =
          ChildJvm.start(
              ChildJvm.command(
                  256,
                  StandaloneZooKeeper.class.getName(),
                  Integer.toString(port),
                  dataDir.toString(),
                  "200"));
      String connect = jvm.await("ZooKeeper listening on (\\S+:\\d+)", Duration.ofSeconds(30));
      return new PortZooKeeper(jvm, dataDir, connect);
    } catch (IOException | RuntimeException e) {
      if (jvm != null) {
        jvm.kill();
      }
      delete(dataDir);
      throw e;
    }
  }

  String connectString() {
    return connectString;
  }

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

  private static void delete(Path dir) {
    try (Stream<Path> files = Files.walk(dir)) {
      files.sorted(Comparator.reverseOrder()).forEach(path -> path.toFile().delete());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
