package io.flumesentinel.chaos;

import io.flumesentinel.protocol.AgentNode;
import io.flumesentinel.protocol.ExitRecord;
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
 * Agents of a chaos scenario written as their supervisors write them ({@link Registration}), with
 * pipelined asynchronous writes: agent nodes through one client, live nodes through another whose
 * session then owns them, so that closing that client is a real session loss for all of them.
 */
final class ChaosFleet {

  /** Writes in flight at once: enough to pipeline, few enough for the server's limit. */
  private static final int WINDOW = 1_000;

  private static final int AGENTS_PER_HOST = 100;

  private ChaosFleet() {}

  /**
   * {@code count} ids as a large fleet names its agents, 38 characters each up to a million agents:
   * {@code ingest-host-0001.dc1.example.com-a-023}, a hundred agents per host.
   */
  static List<String> fleetIds(int count) {
    return IntStream.range(0, count)
        .mapToObj(i -> String.format("%s-a-%03d", host(i), i % AGENTS_PER_HOST))
        .toList();
  }

  /** The host of the {@code i}th of {@link #fleetIds}. */
  static String host(int i) {
    return String.format("ingest-host-%04d.dc1.example.com", i / AGENTS_PER_HOST);
  }

  /** {@code <prefix>-0000}, {@code <prefix>-0001}, ... */
  static List<String> ids(String prefix, int count) {
    return IntStream.range(0, count).mapToObj(i -> String.format("%s-%04d", prefix, i)).toList();
  }

  /** Creates the agent node of each of {@code ids}, {@code node} saying what it holds. */
  static void register(
      CuratorFramework client, ZkLayout layout, List<String> ids, Function<String, AgentNode> node)
      throws Exception {
    Registration registration = new Registration(AsyncCuratorFramework.wrap(client), layout);
    pipelined(ids, id -> registration.register(id, node.apply(id)));
  }

  /** Creates the live node of each of {@code ids}; {@code client}'s session then owns them. */
  static void goLive(CuratorFramework client, ZkLayout layout, List<String> ids) throws Exception {
    Registration registration = new Registration(AsyncCuratorFramework.wrap(client), layout);
    LiveNode live = new LiveNode(4242, Instant.now(), "chaos", 0);
    pipelined(ids, id -> registration.goLive(id, live));
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
  static void registerRunning(CuratorFramework client, ZkLayout layout, String id)
      throws Exception {
    register(client, layout, List.of(id), x -> AgentNode.of("host-" + id, "chaos", Map.of()));
    goLive(client, layout, List.of(id));
  }

  private static void pipelined(List<String> ids, Function<String, CompletionStage<?>> write)
      throws Exception {
    for (int from = 0; from < ids.size(); from += WINDOW) {
      List<CompletableFuture<?>> inFlight = new ArrayList<>();
      for (String id : ids.subList(from, Math.min(ids.size(), from + WINDOW))) {
        inFlight.add(write.apply(id).toCompletableFuture());
      }
      CompletableFuture.allOf(inFlight.toArray(CompletableFuture[]::new)).get(60, TimeUnit.SECONDS);
    }
  }
}
