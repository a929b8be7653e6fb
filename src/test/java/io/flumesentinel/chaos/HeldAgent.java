package io.flumesentinel.chaos;

import io.flumesentinel.protocol.ZkLayout;
import io.flumesentinel.testing.ChildJvm;
import io.flumesentinel.testing.LiveNodeHolder;
import java.time.Duration;

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
}
