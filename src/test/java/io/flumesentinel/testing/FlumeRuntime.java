package io.flumesentinel.testing;

import static org.assertj.core.api.Assertions.assertThat;

import io.flumesentinel.protocol.LiveNode;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.curator.framework.CuratorFramework;

/**
 * A real Apache Flume 1.11.0 (resolved into target/flume-lib by the build) ready to run one agent
 * {@value #AGENT}: its configuration from src/test/resources/flume in a folder of the test's, a
 * free port for its HTTP metrics, and its supervision by the fat jar. Closing it stops what it
 * started.
 */
public final class FlumeRuntime implements AutoCloseable {

  /** The agent's name, in Flume and in ZooKeeper. */
  public static final String AGENT = "a1";

  private final Path lib;
  private final Path conf;
  private final int metricsPort;
  private final List<ChildJvm> supervisors = new ArrayList<>();
  private final List<Long> pids = new ArrayList<>();

  private FlumeRuntime(Path lib, Path conf, int metricsPort) {
    this.lib = lib;
    this.conf = conf;
    this.metricsPort = metricsPort;
  }

  /**
   * Checks that the build resolved Flume, and writes the agent configuration {@code agentResource}
   * (with {@code @ROLL_DIR@} replaced by a writable folder) and Flume's logging configuration under
   * {@code dir/flume}.
   */
  public static FlumeRuntime prepare(Path dir, String agentResource) throws IOException {
    return prepare(dir, agentResource, Map.of());
  }

  /**
   * As {@link #prepare(Path, String)}, with each {@code @NAME@} of {@code placeholders} in the
   * agent configuration replaced by its value too.
   */
  public static FlumeRuntime prepare(
      Path dir, String agentResource, Map<String, String> placeholders) throws IOException {
    Path lib = Path.of(System.getProperty("flume.lib", "target/flume-lib"));
    assertThat(lib.resolve("flume-ng-node-1.11.0.jar"))
        .as("Flume runtime resolved by the build")
        .exists();
    Path conf = dir.resolve("flume");
    Files.createDirectories(conf.resolve("roll"));
    String agentConf =
        resource(agentResource).replace("@ROLL_DIR@", conf.resolve("roll").toString());
    for (Map.Entry<String, String> placeholder : placeholders.entrySet()) {
      agentConf = agentConf.replace("@" + placeholder.getKey() + "@", placeholder.getValue());
    }
    Files.writeString(conf.resolve(AGENT + ".conf"), agentConf);
    Files.writeString(conf.resolve("log4j2.xml"), resource("/flume/log4j2.xml"));
    return new FlumeRuntime(lib, conf, Http.freePort());
  }

  public int metricsPort() {
    return metricsPort;
  }

  public String metricsUrl() {
    return "http://127.0.0.1:" + metricsPort + "/metrics";
  }

  /** The status code of a GET of Flume's metrics, or -1. */
  public int metricsStatus() throws InterruptedException {
    return Http.status(metricsPort, "/metrics");
  }

  /** The command line of the Flume agent's JVM, with HTTP metrics on {@link #metricsPort}. */
  public List<String> command() {
    return List.of(
        ChildJvm.java(),
        "-Xmx64m",
        "-cp",
        conf + ":" + lib + "/*",
        "-Dflume.monitoring.type=http",
        "-Dflume.monitoring.port=" + metricsPort,
        "org.apache.flume.node.Application",
        "-n",
        AGENT,
        "-f",
        conf.resolve(AGENT + ".conf").toString(),
        "--no-reload-conf");
  }

  /**
   * Starts the fat jar's {@code supervise} of the agent in group {@code flume} against ZooKeeper
   * {@code connect}, with these further options.
   */
  public ChildJvm supervise(String connect, String... options) throws IOException {
    List<String> args =
        new ArrayList<>(List.of("--zk", connect, "--agent", AGENT, "--group", "flume"));
    args.addAll(List.of(options));
    args.add("--");
    args.addAll(command());
    ChildJvm supervisor = ChildJvm.start(MonitorJar.supervise(args));
    supervisors.add(supervisor);
    return supervisor;
  }

  /**
   * Waits (60 s at most) for the agent's live node with a pid other than {@code notPid}: a Flume
   * JVM that {@link #close} kills if it still runs.
   */
  public LiveNode awaitLive(CuratorFramework zk, long notPid) {
    LiveNode live = Agents.awaitLive(zk, AGENT, notPid, Duration.ofSeconds(60));
    pids.add(live.pid());
    return live;
  }

  /** Stops the supervisors started here (see {@link ChildJvm#close}) and kills Flume JVMs left. */
  @Override
  public void close() {
    for (ChildJvm supervisor : supervisors) {
      supervisor.close();
    }
    for (long pid : pids) {
      ProcessHandle.of(pid).ifPresent(ProcessHandle::destroyForcibly);
    }
  }

  private static String resource(String name) {
    try (InputStream in = FlumeRuntime.class.getResourceAsStream(name)) {
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
