package io.flumesentinel.zk;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.concurrent.atomic.AtomicBoolean;
import org.apache.zookeeper.server.ServerCnxnFactory;
import org.apache.zookeeper.server.ZooKeeperServer;
import org.apache.zookeeper.server.persistence.FileTxnSnapLog;

/**
 * A real, single ZooKeeper 3.9 server inside this JVM, for the one-command try-out and for tests.
 *
 * <p>It listens on the loopback interface only, so agents on other hosts cannot reach it, and it is
 * not replicated: when this JVM stops, every session and ephemeral node is gone. Snapshots go to
 * {@code <dataDir>/data} and transaction logs to {@code <dataDir>/log}, so registrations survive a
 * restart with the same directory. Callers must log {@link #banner()} when they start it. Never use
 * it in production; configure {@code zookeeper.connect} instead.
 *
 * <p>One server per data directory: it holds a lock on {@value #LOCK_FILE} there while it runs (the
 * operating system drops it when the process ends, however it ends), because two servers writing
 * the same snapshots and logs corrupt them.
 */
public final class EmbeddedZooKeeper implements AutoCloseable {

  public static final int TICK_TIME_MS = 2000;

  /** The file in the data directory whose lock says a server uses the directory. */
  public static final String LOCK_FILE = "flume-sentinel.lock";

  private static final String LOOPBACK = "127.0.0.1";

  /**
   * Per client IP; every client of a loopback server shares one IP, so the default of 60 is too
   * low.
   */
  private static final int MAX_CLIENT_CONNECTIONS = 10_000;

  private final ServerCnxnFactory connections;
  private final FileTxnSnapLog storage;
  private final Path dataDir;
  private final FileChannel lockFile;
  private final AtomicBoolean closed = new AtomicBoolean();

  private EmbeddedZooKeeper(
      ServerCnxnFactory connections, FileTxnSnapLog storage, Path dataDir, FileChannel lockFile) {
    this.connections = connections;
    this.storage = storage;
    this.dataDir = dataDir;
    this.lockFile = lockFile;
  }

  /** The data directory is locked by another server, in this process or another. */
  public static final class DirectoryInUse extends IOException {
    private final Path directory;

    DirectoryInUse(Path directory) {
      super(
          directory
              + " is in use by another monitor's embedded ZooKeeper (it holds the lock on "
              + LOCK_FILE
              + " there)");
      this.directory = directory;
    }

    public Path directory() {
      return directory;
    }
  }

  /**
   * Starts a server on {@code 127.0.0.1:port} (0 picks a free port) and returns once it accepts
   * connections.
   *
   * @throws DirectoryInUse when another server uses {@code dataDir}
   * @throws IOException when the directories cannot be created or the port is taken (its cause a
   *     {@link java.net.BindException})
   */
  public static EmbeddedZooKeeper start(int port, Path dataDir)
      throws IOException, InterruptedException {
    return start(port, dataDir, TICK_TIME_MS);
  }

  /**
   * As {@link #start(int, Path)} with another tick: sessions may be as short as two ticks, so tests
   * and benchmarks that expire sessions on purpose use a short one.
   */
  public static EmbeddedZooKeeper start(int port, Path dataDir, int tickTimeMs)
      throws IOException, InterruptedException {
    FileChannel lockFile = lock(dataDir);
    ServerCnxnFactory connections = null;
    FileTxnSnapLog storage = null;
    try {
      Path snapshots = Files.createDirectories(dataDir.resolve("data"));
      Path transactionLogs = Files.createDirectories(dataDir.resolve("log"));
      storage = new FileTxnSnapLog(transactionLogs.toFile(), snapshots.toFile());
      ZooKeeperServer server = new ZooKeeperServer(storage, tickTimeMs, "");
      // IPv4 loopback explicitly: getLoopbackAddress() may be ::1, which clients
      // reach less reliably.
      InetSocketAddress address = new InetSocketAddress(LOOPBACK, port);
      try {
        connections = ServerCnxnFactory.createFactory(address, MAX_CLIENT_CONNECTIONS);
      } catch (IOException e) {
        throw new IOException(
            "cannot listen on " + LOOPBACK + ":" + port + ": " + e.getMessage(), e);
      }
      connections.startup(server);
      return new EmbeddedZooKeeper(connections, storage, dataDir, lockFile);
    } catch (IOException | InterruptedException | RuntimeException e) {
      if (connections != null) {
        connections.shutdown();
      }
      if (storage != null) {
        storage.close();
      }
      lockFile.close();
      throw e;
    }
  }

  /**
   * Locks {@code dataDir} for this server, or fails at once. The lock lives as long as the returned
   * channel is open; closing the channel releases it.
   */
  private static FileChannel lock(Path dataDir) throws IOException {
    Path directory = Files.createDirectories(dataDir).toAbsolutePath().normalize();
    FileChannel channel =
        FileChannel.open(
            directory.resolve(LOCK_FILE), StandardOpenOption.CREATE, StandardOpenOption.WRITE);
    FileLock lock;
    try {
      lock = channel.tryLock();
    } catch (OverlappingFileLockException heldInThisProcess) {
      lock = null;
    } catch (IOException | RuntimeException e) {
      channel.close();
      throw e;
    }
    if (lock == null) {
      channel.close();
      throw new DirectoryInUse(directory);
    }
    return channel;
  }

  /** The address the server listens on; always a loopback address. */
  public InetSocketAddress address() {
    return connections.getLocalAddress();
  }

  /** {@code 127.0.0.1:<port>}, for a ZooKeeper or Curator client. */
  public String connectString() {
    return LOOPBACK + ":" + connections.getLocalPort();
  }

  /** The warning to log, as one multi-line message, whenever the monitor relies on this server. */
  public String banner() {
    String line = "*".repeat(78);
    return String.join(
        System.lineSeparator(),
        line,
        "*  EMBEDDED ZooKeeper listening on " + connectString() + ", data in " + dataDir,
        "*  For trying out only: it runs inside this monitor and dies with it, it is not",
        "*  replicated, and only agents on this host can reach it.",
        "*  For production, configure zookeeper.connect (or --zk) with a ZooKeeper ensemble.",
        line);
  }

  /** Stops the server and releases the port and the files; idempotent. */
  @Override
  public void close() {
    if (!closed.compareAndSet(false, true)) {
      return;
    }
    // Shutting the connection factory down also shuts its ZooKeeperServer down.
    connections.shutdown();
    try {
      storage.close();
    } catch (IOException e) {
      throw new UncheckedIOException("closing the embedded ZooKeeper's files in " + dataDir, e);
    } finally {
      // Last: the directory is free for another server only once its files are closed.
      try {
        lockFile.close();
      } catch (IOException e) {
        // The process's end releases the lock anyway.
      }
    }
  }
}
