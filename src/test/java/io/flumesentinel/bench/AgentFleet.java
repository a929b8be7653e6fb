package io.flumesentinel.bench;

import io.flumesentinel.protocol.AgentNode;
import io.flumesentinel.protocol.LiveNode;
import io.flumesentinel.protocol.Registration;
import io.flumesentinel.protocol.ZkLayout;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import java.util.stream.IntStream;
import org.apache.curator.framework.CuratorFramework;
import org.apache.curator.x.async.AsyncCuratorFramework;

/**
 * Registers many agents under one root with pipelined asynchronous writes, as a fleet of
 * supervisors would: the agent nodes through one client, the live nodes through another whose
 * session then owns every one of them.
 */
final class AgentFleet {

  /**
   * Writes in flight at once: enough to pipeline, few enough to stay under the server's outstanding
   * limit.
   */
  private static final int WINDOW = 1_000;

  private final ZkLayout layout;
  private final List<String> ids;

  private AgentFleet(ZkLayout layout, List<String> ids) {
    this.layout = layout;
    this.ids = List.copyOf(ids);
  }

  /** {@code count} agents named {@code <prefix>-00000} and so on under {@code root}. */
  static AgentFleet of(String root, String prefix, int count) {
    List<String> ids =
        IntStream.range(0, count).mapToObj(i -> String.format("%s-%05d", prefix, i)).toList();
    return new AgentFleet(new ZkLayout(root), ids);
  }

  ZkLayout layout() {
    return layout;
  }

  String root() {
    return layout.root();
  }

  List<String> ids() {
    return ids;
  }

  String livePath(String id) {
    return layout.live(id);
  }

  /** Creates every agent node through {@code client}. */
  void register(CuratorFramework client) throws Exception {
    Registration registration = new Registration(AsyncCuratorFramework.wrap(client), layout);
    AgentNode agent = AgentNode.of("bench-host", "bench", Map.of("dc", "loopback"));
    pipelined(id -> registration.register(id, agent));
  }

  /** Creates every live node through {@code client}, whose session then owns them all. */
  void goLive(CuratorFramework client) throws Exception {
    Registration registration = new Registration(AsyncCuratorFramework.wrap(client), layout);
    LiveNode live = new LiveNode(4242, Instant.now(), "bench", 0);
    pipelined(id -> registration.goLive(id, live));
  }

  private void pipelined(Function<String, CompletionStage<?>> write) throws Exception {
    for (int from = 0; from < ids.size(); from += WINDOW) {
      List<CompletableFuture<?>> inFlight = new ArrayList<>();
      for (String id : ids.subList(from, Math.min(ids.size(), from + WINDOW))) {
        inFlight.add(write.apply(id).toCompletableFuture());
      }
      CompletableFuture.allOf(inFlight.toArray(CompletableFuture[]::new)).get(60, TimeUnit.SECONDS);
    }
  }
}
