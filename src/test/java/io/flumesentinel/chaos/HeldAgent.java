package io.flumesentinel.chaos;

import io.flumesentinel.protocol.AgentNode;
import io.flumesentinel.protocol.ExitRecord;
import io.flumesentinel.protocol.Registration;
import io.flumesentinel.protocol.ZkLayout;
import io.flumesentinel.testing.ChildJvm;
import io.flumesentinel.testing.LiveNodeHolder;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.apache.curator.framework.CuratorFramework;
import org.apache.curator.x.async.AsyncCuratorFramework;

/**
 * An agent whose live node is held by a process of its own ({@link LiveNodeHolder}), as a Flume
 * host holds it: killing that process is a real session loss, seen by the monitor once ZooKeeper
 * expires the session. Closing it kills the process if it still runs.
 */
final class HeldAgent implements AutoCloseable {

  private final ChildJvm holder;

  private HeldAgent(ChildJvm holder) {
    this.holder = holder;
  }

  /** Registers {@code id} and makes it live, in a new process with this session timeout. */
  static HeldAgent start(String connect, ZkLayout layout, String id, Duration sessionTimeout)
      throws Exception {
    ChildJvm holder =
        ChildJvm.main(
            LiveNodeHolder.class.getName(),
            connect,
            layout.root(),
            id,
            Long.toString(sessionTimeout.toMillis()));
    try {
      holder.await("^LIVE", Duration.ofSeconds(30));
    } catch (RuntimeException e) {
      holder.kill();
      throw e;
    }
    return new HeldAgent(holder);
  }

  /** SIGKILL of the host's process: its session expires after its timeout. */
  void kill() throws InterruptedException {
    holder.kill();
  }

  @Override
  public void close() throws InterruptedException {
    holder.kill();
  }

  /**
   * An agent crash as its supervisor reports it: the crash recorded in the agent node and the live
   * node deleted, in one transaction.
   */
  static void crash(CuratorFramework client, ZkLayout layout, String id) throws Exception {
    Registration registration = new Registration(AsyncCuratorFramework.wrap(client), layout);
    AgentNode current = registration.readAgent(id).toCompletableFuture().get(10, TimeUnit.SECONDS);
    registration
        .recordCrashAndDropLive(
            id, current.withCrash(new ExitRecord(137, "KILL", Instant.now(), "killed")))
        .toCompletableFuture()
        .get(10, TimeUnit.SECONDS);
  }

  /** Registers {@code id} and makes it live through {@code client}, whose session holds it. */
  static void startInProcess(CuratorFramework client, ZkLayout layout, String id) throws Exception {
    ChaosFleet.register(
        client, layout, List.of(id), x -> AgentNode.of("host-" + id, "chaos", Map.of()));
    ChaosFleet.goLive(client, layout, List.of(id));
  }
}
