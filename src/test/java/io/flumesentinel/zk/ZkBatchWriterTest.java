package io.flumesentinel.zk;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import io.flumesentinel.testing.TcpProxy;
import io.flumesentinel.testing.Zk;
import io.vertx.core.Context;
import io.vertx.core.Vertx;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.apache.curator.framework.CuratorFramework;
import org.apache.curator.framework.state.ConnectionState;
import org.apache.curator.test.TestingServer;
import org.apache.curator.x.async.AsyncCuratorFramework;
import org.apache.zookeeper.data.Stat;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.slf4j.LoggerFactory;

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

  @ParameterizedTest(name = "fenced={0}")
  @ValueSource(booleans = {false, true})
  void aValueTooLargeForOneRequestIsLoggedOnceCountedAndDroppedAndTheOthersAreWritten(
      boolean fenced) throws Exception {
    List<ConnectionState> states = new CopyOnWriteArrayList<>();
    client.getConnectionStateListenable().addListener((c, state) -> states.add(state));
    ListAppender<ILoggingEvent> logged = new ListAppender<>();
    Logger logger = (Logger) LoggerFactory.getLogger(ZkBatchWriter.class);
    logged.start();
    logger.addAppender(logged);
    try {
      writer(fenced, Set.of());
      String huge = PARENT + "/huge";
      onContext(
          v -> {
            writer.put(PARENT + "/before", () -> bytes("before"));
            writer.put(huge, () -> new byte[600 * 1024]);
            writer.put(PARENT + "/after", () -> bytes("after"));
          });
      await().atMost(WAIT).until(() -> "after".equals(read(PARENT + "/after")));
      onContext(v -> writer.put(PARENT + "/later", () -> bytes("later")));
      await().atMost(WAIT).until(() -> "later".equals(read(PARENT + "/later")));

      assertThat(read(PARENT + "/before")).isEqualTo("before");
      assertThat(read(huge)).isNull();
      assertThat(writer.oversizeDropped()).isEqualTo(1);
      List<String> lines =
          logged.list.stream()
              .map(ILoggingEvent::getFormattedMessage)
              .filter(line -> line.contains(huge))
              .toList();
      assertThat(lines).hasSize(1);
      assertThat(lines.get(0)).contains(Integer.toString(600 * 1024)).doesNotContain("\u0000");
      assertThat(states).isEmpty(); // the session was never suspended, let alone lost
    } finally {
      logger.detachAppender(logged);
    }
  }

  @ParameterizedTest(name = "fenced={0}")
  @ValueSource(booleans = {false, true})
  void valuesThatTogetherExceedOneRequestGoInSeveral(boolean fenced) throws Exception {
    List<ConnectionState> states = new CopyOnWriteArrayList<>();
    client.getConnectionStateListenable().addListener((c, state) -> states.add(state));
    writer(fenced, Set.of());

    onContext(
        v -> {
          for (int i = 0; i < 6; i++) {
            writer.put(PARENT + "/big-" + i, () -> new byte[300 * 1024]);
          }
        });

    for (int i = 0; i < 6; i++) {
      String path = PARENT + "/big-" + i;
      await().atMost(WAIT).until(() -> client.checkExists().forPath(path) != null);
      assertThat(client.getData().forPath(path)).hasSize(300 * 1024);
    }
    assertThat(writer.oversizeDropped()).isZero();
    assertThat(states).isEmpty();
  }

  @Test
  void whatFailedWhileItsOwnSessionWasAwayIsWrittenOnceItIsBackUntold() throws Exception {
    try (TcpProxy proxy = new TcpProxy("127.0.0.1", server.getPort())) {
      CuratorFramework ownClient = Zk.client(proxy.connectString(), Duration.ofSeconds(2));
      try {
        ownClient.blockUntilConnected(10, TimeUnit.SECONDS);
        onContext(
            v ->
                writer =
                    new ZkBatchWriter(
                        AsyncCuratorFramework.wrap(ownClient),
                        context,
                        Set.of(),
                        Duration.ofMillis(10),
                        null));
        onContext(v -> writer.put(NODE, () -> bytes("first")));
        await().atMost(WAIT).until(() -> "first".equals(read(NODE)));

        proxy.cut(); // for twice the session timeout: the session expires
        onContext(v -> writer.put(NODE, () -> bytes("while away")));
        onContext(v -> writer.put(PARENT + "/new", () -> bytes("while away")));
        await()
            .pollDelay(Duration.ofSeconds(4))
            .atMost(WAIT)
            .until(() -> !ownClient.getZookeeperClient().isConnected());
        assertThat(read(NODE)).isEqualTo("first");
        proxy.restore();

        // Nobody calls retryFailed(): the writer follows its own client.
        await().atMost(Duration.ofSeconds(20)).until(() -> "while away".equals(read(NODE)));
        await().atMost(WAIT).until(() -> "while away".equals(read(PARENT + "/new")));
        onContext(v -> writer.close());
      } finally {
        ownClient.close();
      }
    }
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
