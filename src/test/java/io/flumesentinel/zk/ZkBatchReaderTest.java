package io.flumesentinel.zk;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.flumesentinel.event.NodeData;
import io.flumesentinel.testing.Zk;
import io.vertx.core.Context;
import io.vertx.core.Vertx;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.curator.framework.CuratorFramework;
import org.apache.curator.framework.CuratorFrameworkFactory;
import org.apache.curator.framework.state.ConnectionState;
import org.apache.curator.retry.ExponentialBackoffRetry;
import org.apache.curator.test.TestingServer;
import org.apache.zookeeper.CreateMode;
import org.apache.zookeeper.KeeperException;
import org.apache.zookeeper.Op;
import org.apache.zookeeper.ZooDefs;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Batched reads and listings against a real ZooKeeper, with replies beyond a client's 1 MB default:
 * what the monitor reads is sized in bytes, and its clients accept the listing of a large fleet.
 */
class ZkBatchReaderTest {

  private static final int LARGE = 600 * 1024;
  private static TestingServer server;
  private static Vertx vertx;

  @BeforeAll
  static void start() throws Exception {
    // ZooKeeper's usual ticks, not the short ones of Zk.server(): an oversize reply drops the
    // connection on purpose here, and the session must outlive the reconnections on a busy machine.
    server = new TestingServer(true);
    vertx = Vertx.vertx();
  }

  @AfterAll
  static void stop() throws Exception {
    vertx.close().await(10, TimeUnit.SECONDS);
    server.close();
  }

  /** A client with ZooKeeper's default reply limit (1 MB), unlike the monitor's own. */
  private static CuratorFramework defaultClient() {
    CuratorFramework client =
        CuratorFrameworkFactory.builder()
            .connectString(server.getConnectString())
            .sessionTimeoutMs(10_000)
            .connectionTimeoutMs(5_000)
            .retryPolicy(new ExponentialBackoffRetry(50, 3))
            .build();
    client.start();
    return client;
  }

  @Test
  void aReplyOverTheClientLimitIsSplitUntilItFitsAndThenPlannedBySize() throws Exception {
    CuratorFramework writer = Zk.client(server.getConnectString(), Duration.ofSeconds(10));
    CuratorFramework client = defaultClient();
    try {
      List<String> paths = new ArrayList<>();
      for (int i = 0; i < 200; i++) {
        String path = "/split/small-" + i;
        writer.create().creatingParentsIfNeeded().forPath(path, ("node " + i).getBytes());
        paths.add(path);
        if (i == 50 || i == 150) {
          byte[] large = new byte[LARGE];
          Arrays.fill(large, (byte) 'x');
          writer.create().forPath("/split/large-" + i, large);
          paths.add("/split/large-" + i);
        }
      }
      paths.add("/split/absent");
      AtomicInteger suspensions = new AtomicInteger();
      client
          .getConnectionStateListenable()
          .addListener(
              (c, state) -> {
                if (state == ConnectionState.SUSPENDED) {
                  suspensions.incrementAndGet();
                }
              });
      Context context = vertx.getOrCreateContext();
      ZkBatchReader reader = new ZkBatchReader(client, context);

      Map<String, Optional<NodeData>> first = read(reader, context, paths);
      assertThat(first).hasSize(paths.size());
      assertThat(first.get("/split/large-50").orElseThrow().data()).hasSize(LARGE);
      assertThat(first.get("/split/large-150").orElseThrow().data()).hasSize(LARGE);
      assertThat(new String(first.get("/split/small-199").orElseThrow().data()))
          .isEqualTo("node 199");
      assertThat(first.get("/split/absent")).isEmpty();
      int suspendedByTheGuess = suspensions.get();
      assertThat(suspendedByTheGuess).as("the first guess was too small, and split").isPositive();

      List<List<String>> plan = onContext(context, () -> reader.plan(paths));
      assertThat(plan).contains(List.of("/split/large-50"), List.of("/split/large-150"));
      Map<String, Optional<NodeData>> second = read(reader, context, paths);
      assertThat(second.get("/split/large-150").orElseThrow().data()).hasSize(LARGE);
      assertThat(suspensions.get())
          .as("the second read, planned by the sizes learnt, stays within the limit")
          .isEqualTo(suspendedByTheGuess);
    } finally {
      client.close();
      writer.close();
    }
  }

  @Test
  void theServerListsOneHundredThousandChildrenToTheMonitorsClients() throws Exception {
    CuratorFramework writer = Zk.client(server.getConnectString(), Duration.ofSeconds(10));
    CuratorFramework plain = defaultClient();
    try {
      writer.create().forPath("/wide");
      var zk = writer.getZookeeperClient().getZooKeeper();
      List<CompletableFuture<Void>> inFlight = new ArrayList<>();
      for (int from = 0; from < 100_000; from += 1000) {
        List<Op> creates = new ArrayList<>();
        for (int i = from; i < from + 1000; i++) {
          creates.add(
              Op.create(
                  String.format(
                      "/wide/ingest-host-%04d.dc1.example.com-a-%03d", i / 1000, i % 1000),
                  new byte[0],
                  ZooDefs.Ids.OPEN_ACL_UNSAFE,
                  CreateMode.PERSISTENT));
        }
        CompletableFuture<Void> done = new CompletableFuture<>();
        zk.multi(
            creates,
            (rc, path, ctx, results) -> {
              if (rc == 0) {
                done.complete(null);
              } else {
                done.completeExceptionally(KeeperException.create(KeeperException.Code.get(rc)));
              }
            },
            null);
        inFlight.add(done);
        if (inFlight.size() == 20) {
          CompletableFuture.allOf(inFlight.toArray(CompletableFuture[]::new))
              .get(60, TimeUnit.SECONDS);
          inFlight.clear();
        }
      }
      CompletableFuture.allOf(inFlight.toArray(CompletableFuture[]::new)).get(60, TimeUnit.SECONDS);

      List<String> children = writer.getChildren().forPath("/wide");
      assertThat(children).hasSize(100_000);
      assertThat(children.get(0)).hasSize(38);
      assertThatThrownBy(() -> plain.getChildren().forPath("/wide"))
          .as("ZooKeeper's default client limit is what refuses the listing, not the server")
          .isInstanceOf(KeeperException.ConnectionLossException.class);
    } finally {
      plain.close();
      writer.close();
    }
  }

  private static Map<String, Optional<NodeData>> read(
      ZkBatchReader reader, Context context, List<String> paths) throws Exception {
    CompletableFuture<Map<String, Optional<NodeData>>> answer = new CompletableFuture<>();
    context.runOnContext(
        v ->
            reader
                .getData(paths)
                .onComplete(
                    done -> {
                      if (done.succeeded()) {
                        answer.complete(done.result());
                      } else {
                        answer.completeExceptionally(done.cause());
                      }
                    }));
    return answer.get(30, TimeUnit.SECONDS);
  }

  private static <T> T onContext(Context context, java.util.function.Supplier<T> work)
      throws Exception {
    CompletableFuture<T> answer = new CompletableFuture<>();
    context.runOnContext(v -> answer.complete(work.get()));
    return answer.get(10, TimeUnit.SECONDS);
  }
}
