package io.flumesentinel.zk;

import java.nio.file.Path;

/**
 * Runs an {@link EmbeddedZooKeeper} in a JVM of its own until the process is killed, so that
 * benchmarks measure the monitor without a server in the same heap.
 *
 * <p>Usage: {@code StandaloneZooKeeper <port> <dataDir>} (port 0 picks a free port). Once the
 * server accepts connections it prints exactly {@code ZooKeeper listening on 127.0.0.1:<port>} to
 * stdout, which a parent process can wait for. Exits with 2 on bad arguments and 1 when the server
 * cannot start.
 */
public final class StandaloneZooKeeper {

  private StandaloneZooKeeper() {}

  public static void main(String[] args) throws InterruptedException {
    if (args.length < 2
        || args.length > 3
        || !args[0].matches("[0-9]{1,5}")
        || Integer.parseInt(args[0]) > 65_535
        || (args.length == 3 && !args[2].matches("[1-9][0-9]{0,5}"))) {
      System.err.println(
          "usage: "
              + StandaloneZooKeeper.class.getName()
              + " <port 0-65535> <dataDir> [tickTimeMs]");
      System.exit(2);
    }
    EmbeddedZooKeeper server;
    try {
      int tickTime = args.length == 3 ? Integer.parseInt(args[2]) : EmbeddedZooKeeper.TICK_TIME_MS;
      server = EmbeddedZooKeeper.start(Integer.parseInt(args[0]), Path.of(args[1]), tickTime);
    } catch (Exception e) {
      System.err.println("ZooKeeper failed to start: " + e.getMessage());
      System.exit(1);
      return;
    }
    Runtime.getRuntime().addShutdownHook(new Thread(server::close, "zookeeper-shutdown"));
    System.out.println("ZooKeeper listening on " + server.connectString());
    System.out.flush();
    // The server works on its own threads; this thread only keeps the JVM up until it is killed.
    Thread.currentThread().join();
  }
}
