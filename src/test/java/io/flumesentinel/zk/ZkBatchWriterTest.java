package io.flumesentinel.zk;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.flumesentinel.testing.Zk;
import io.vertx.core.Context;
import io.vertx.core.Vertx;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.apache.curator.framework.CuratorFramework;
import org.apache.curator.test.TestingServer;
import org.apache.curator.x.async.AsyncCuratorFramework;
import org.apache.zookeeper.data.Stat;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The batch writer against a real ZooKeeper: what a reader of the znodes sees, with and without a
 * fence (every transaction then carries the fence's check).
 */
class ZkBatchWriterTest {

  private static final Duration WAIT = Duration.ofSeconds(10);
  private static final String PARENT = "/writer";
  private static final String FENCE = "/writer-epoch";
  private static final String NODE = PARENT + "/x";

  private TestingServer server;
  private CuratorFramework client;
  private Vertx vertx;
  private Context context;
  private ZkBatchWriter writer;

  @BeforeEach
  void start() throws Exception {
    server = Zk.server();
    client = Zk.client(server.getConnectString(), Duration.ofSeconds(5));
    client.create().creatingParentsIfNeeded().forPath(PARENT);
    client.create().forPath(FENCE, new byte[0]);
    vertx = Vertx.vertx();
    context = vertx.getOrCreateContext();
  }

  @AfterEach
  void stop() throws Exception {
    vertx.close().await(10, TimeUnit.SECONDS);
    client.close();
    server.close();
  }

  private void writer(boolean fenced, Set<String> existing) {
    ZkBatchWriter.Fence fence = fenced ? new ZkBatchWriter.Fence(FENCE, 0, () -> {}) : null;
    onContext(
        v ->
            writer =
                new ZkBatchWriter(
                    AsyncCuratorFramework.wrap(client),
                    context,
                    existing,
                    Duration.ofMillis(10),
                    fence));
  }

  @ParameterizedTest(name = "fenced={0}")
  @ValueSource(booleans = {false, true})
  void anEmptyValueIsWrittenAsAnEmptyNodeNotADeletion(boolean fenced) throws Exception {
    writer(fenced, Set.of());

    onContext(v -> writer.put(NODE, () -> new byte[0]));
    await().atMost(WAIT).until(() -> "".equals(read(NODE)));

    onContext(v -> writer.put(NODE, () -> bytes("full")));
    await().atMost(WAIT).until(() -> "full".equals(read(NODE)));

    onContext(v -> writer.put(NODE, () -> new byte[0]));
    await().atMost(WAIT).until(() -> "".equals(read(NODE)));

    onContext(v -> writer.delete(NODE));
    await().atMost(WAIT).until(() -> read(NODE) == null);
  }

  @ParameterizedTest(name = "fenced={0}")
  @ValueSource(booleans = {false, true})
  void anEmptyValueReplayedPathByPathIsWrittenToo(boolean fenced) throws Exception {
    // Someone else created the node: the writer's create is refused, and the batch is replayed.
    client.create().forPath(NODE, bytes("theirs"));
    writer(fenced, Set.of());

    onContext(v -> writer.put(NODE, () -> new byte[0]));

    await().atMost(WAIT).until(() -> "".equals(read(NODE)));
    Stat stat = client.checkExists().forPath(NODE);
    assertThat(stat.getVersion()).isEqualTo(1);
  }

  private void onContext(Consumer<Void> action) {
    context.runOnContext(action::accept);
  }

  /** The node's data as text, or {@code null} when it does not exist. */
  private String read(String path) throws Exception {
    return client.checkExists().forPath(path) == null
        ? null
        : new String(client.getData().forPath(path), StandardCharsets.UTF_8);
  }

  private static byte[] bytes(String text) {
    return text.getBytes(StandardCharsets.UTF_8);
  }
}
