package io.flumesentinel.testing;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.apache.zookeeper.server.NettyServerCnxnFactory;
import org.apache.zookeeper.server.ServerCnxnFactory;
import org.apache.zookeeper.server.ZooKeeperServer;
import org.apache.zookeeper.server.auth.X509AuthenticationProvider;
import org.apache.zookeeper.server.persistence.FileTxnSnapLog;

/**
 * A real ZooKeeper server in a JVM of its own that listens on a TLS client port only (its {@code
 * secureClientPort}, served by Netty, as an ensemble configured for TLS serves it): there is no
 * plain port to fall back on. The server asks every client for a certificate its trust store holds
 * ({@code ssl.clientAuth=need}, ZooKeeper's default). Closing it kills the server and deletes its
 * data directory.
 */
public final class TlsZooKeeperProcess implements AutoCloseable {

  private static final Duration START_WITHIN = Duration.ofSeconds(30);

  private final ChildJvm jvm;
  private final Path dataDir;
  private final String connectString;

  private TlsZooKeeperProcess(ChildJvm jvm, Path dataDir, String connectString) {
    this.jvm = jvm;
    this.dataDir = dataDir;
    this.connectString = connectString;
  }

  /**
   * Starts the server with the key store {@code serverKeyStore} (PKCS#12) and the trust store
   * {@code trustStore} (PKCS#12, the clients' certificates), both with {@link
   * TestCertificates#PASSWORD}, and returns once it listens.
   */
  public static TlsZooKeeperProcess start(Path serverKeyStore, Path trustStore) throws IOException {
    Path dataDir = Files.createTempDirectory("zookeeper-tls");
    List<String> command = new ArrayList<>();
    command.add(ChildJvm.java());
    command.add("-Xmx128m");
    // The server side of ZooKeeper's TLS reads its settings from system properties.
    command.add("-Dzookeeper.serverCnxnFactory=" + NettyServerCnxnFactory.class.getName());
    // A TLS server authenticates each client by its certificate, with this provider (zoo.cfg's
    // authProvider.x509); without it the server drops every client after the handshake.
    command.add("-Dzookeeper.authProvider.x509=" + X509AuthenticationProvider.class.getName());
    command.add("-Dzookeeper.ssl.keyStore.location=" + serverKeyStore);
    command.add("-Dzookeeper.ssl.keyStore.password=" + TestCertificates.PASSWORD);
    command.add("-Dzookeeper.ssl.keyStore.type=PKCS12");
    command.add("-Dzookeeper.ssl.trustStore.location=" + trustStore);
    command.add("-Dzookeeper.ssl.trustStore.password=" + TestCertificates.PASSWORD);
    command.add("-Dzookeeper.ssl.trustStore.type=PKCS12");
    command.add("-cp");
    command.add(System.getProperty("java.class.path"));
    command.add(TlsZooKeeperProcess.class.getName());
    command.add(dataDir.toString());
    ChildJvm jvm = ChildJvm.start(command);
    try {
      String connect = jvm.await("ZooKeeper TLS listening on (\\S+:\\d+)", START_WITHIN);
      return new TlsZooKeeperProcess(jvm, dataDir, connect);
    } catch (RuntimeException e) {
      try {
        jvm.kill();
      } catch (InterruptedException interrupted) {
        Thread.currentThread().interrupt();
      }
      ZooKeeperProcess.delete(dataDir);
      throw e;
    }
  }

  /** The server: {@code TlsZooKeeperProcess <dataDir>}, until the process is killed. */
  public static void main(String[] args) throws Exception {
    Path dataDir = Path.of(args[0]);
    ZooKeeperServer server =
        new ZooKeeperServer(
            new FileTxnSnapLog(dataDir.resolve("log").toFile(), dataDir.resolve("snap").toFile()),
            200,
            "");
    ServerCnxnFactory secure = ServerCnxnFactory.createFactory();
    secure.configure(new InetSocketAddress("127.0.0.1", 0), 100, -1, true);
    secure.startup(server);
    System.out.println("ZooKeeper TLS listening on 127.0.0.1:" + secure.getLocalPort());
    System.out.flush();
    Thread.currentThread().join();
  }

  /** {@code 127.0.0.1:<port>}, the TLS port. */
  public String connectString() {
    return connectString;
  }

  /** What the server printed so far. */
  public List<String> output() {
    return jvm.output();
  }

  @Override
  public void close() {
    try {
      jvm.kill();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } finally {
      ZooKeeperProcess.delete(dataDir);
    }
  }
}
