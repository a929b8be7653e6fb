package io.flumesentinel.testing;

import io.flumesentinel.protocol.AgentNode;
import io.flumesentinel.protocol.LiveNode;
import io.flumesentinel.protocol.Registration;
import io.flumesentinel.protocol.ZkLayout;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.apache.curator.framework.CuratorFramework;
import org.apache.curator.x.async.AsyncCuratorFramework;

/**
 * A process that registers an agent and holds its live node until it is killed: what a Flume host
 * looks like to the monitor. Args: connect root agentId sessionTimeoutMs. Prints "LIVE" when
 * registered.
 */
public final class LiveNodeHolder {

  private LiveNodeHolder() {}

  public static void main(String[] args) throws Exception {
    CuratorFramework client = Zk.client(args[0], Duration.ofMillis(Long.parseLong(args[3])));
    Registration registration =
        new Registration(AsyncCuratorFramework.wrap(client), new ZkLayout(args[1]));
    registration
        .register(args[2], AgentNode.of("holder-host", "e2e", Map.of()))
        .toCompletableFuture()
        .get(10, TimeUnit.SECONDS);
    registration
        .goLive(args[2], new LiveNode(ProcessHandle.current().pid(), Instant.now(), "test", 0))
        .toCompletableFuture()
        .get(10, TimeUnit.SECONDS);
    System.out.println("LIVE");
    System.out.flush();
    Thread.currentThread().join();
  }
}
