package io.flumesentinel.silence;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import ch.qos.logback.classic.Level;
import io.flumesentinel.event.Addresses;
import io.flumesentinel.notify.webhook.CapturedLogs;
import io.flumesentinel.protocol.ZkLayout;
import io.flumesentinel.testing.Zk;
import io.vertx.core.Vertx;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.curator.framework.CuratorFramework;
import org.apache.curator.test.TestingServer;
import org.apache.curator.x.async.AsyncCuratorFramework;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The monitor's copy of the silences follows ZooKeeper, against a real server. */
class SilenceVerticleTest {

  private static final Duration WAIT = Duration.ofSeconds(10);
  private static final Map<String, String> INGEST = Map.of("agent", "a1", "group", "ingest");
  private static final AtomicInteger ROOTS = new AtomicInteger();

  private TestingServer server;
  private CuratorFramework client;
  private SilenceStore store;
  private ZkLayout layout;
  private final Vertx vertx = Vertx.vertx();
  private final SilenceIndex index = new SilenceIndex(Clock.systemUTC());
  private final AtomicInteger changes = new AtomicInteger();

  @BeforeEach
  void setUp() throws Exception {
    server = Zk.server();
    layout = new ZkLayout("/silence-verticle-" + ROOTS.incrementAndGet());
    client = Zk.client(server.getConnectString(), Duration.ofSeconds(5));
    store = new SilenceStore(AsyncCuratorFramework.wrap(client), layout);
    vertx.eventBus().consumer(Addresses.SILENCES, m -> changes.incrementAndGet());
  }

  @AfterEach
  void tearDown() throws Exception {
    vertx.close().await(10, TimeUnit.SECONDS);
    client.close();
    server.close();
  }

  private void deploy(Duration retention) throws Exception {
    vertx
        .deployVerticle(new SilenceVerticle(client, layout, index, retention))
        .await(10, TimeUnit.SECONDS);
  }

  private Silence add(String matcher, Duration length) throws Exception {
    Instant now = Instant.now();
    Silence silence =
        Silence.create(List.of(Matcher.parse(matcher)), now, now.plus(length), "ops", "t", now);
    return store.add(silence).toCompletableFuture().get(10, TimeUnit.SECONDS);
  }

  private void expire(Silence silence) throws Exception {
    assertThat(
            store
                .expire(silence.id(), Instant.now())
                .toCompletableFuture()
                .get(10, TimeUnit.SECONDS))
        .isPresent();
  }

  /** Writes a silence as a foreign writer could, without {@link Silence#create}'s checks. */
  private Silence addRaw(String id, String matcher, Duration length) throws Exception {
    Instant now = Instant.now();
    Silence silence =
        new Silence(id, List.of(Matcher.parse(matcher)), now, now.plus(length), "ops", "t");
    return store.add(silence).toCompletableFuture().get(10, TimeUnit.SECONDS);
  }

  @Test
  void refusedSilencesMuteNothingAndAreLoggedOnceAndAtMostTenAtATime() throws Exception {
    CapturedLogs logs = CapturedLogs.of(SilenceVerticle.class);
    try {
      for (int i = 0; i < 13; i++) {
        addRaw("evil-" + i, "agent=~.+", Duration.ofHours(1));
      }
      deploy(SilenceVerticle.RETENTION);

      assertThat(index.current().invalid()).hasSize(13);
      assertThat(index.silencedBy(INGEST)).isEmpty();
      assertThat(logs.at(Level.WARN, "Refusing silence evil-")).hasSize(10);
      assertThat(logs.at(Level.WARN, "Refusing 3 more silences")).hasSize(1);

      Silence ingest = add("group=ingest", Duration.ofHours(1));
      await().atMost(WAIT).until(() -> index.silencedBy(INGEST).equals(List.of(ingest.id())));
      assertThat(logs.at(Level.WARN, "Refusing")).hasSize(11);
    } finally {
      logs.detach();
    }
  }

  @Test
  void aRefusedSilenceIsRemovedLikeAnyOtherOnceExpiredLongEnough() throws Exception {
    deploy(Duration.ofMillis(300));
    addRaw("evil", "alertname=~.*", Duration.ofMillis(500));
    await().atMost(WAIT).until(() -> index.current().invalid().size() == 1);

    await().atMost(WAIT).until(() -> client.checkExists().forPath(layout.silence("evil")) == null);
  }

  @Test
  void silencesOnRecordAreLoadedBeforeTheVerticleHasStarted() throws Exception {
    Silence before = add("group=ingest", Duration.ofHours(1));

    deploy(SilenceVerticle.RETENTION);

    assertThat(index.silencedBy(INGEST)).containsExactly(before.id());
  }

  @Test
  void additionsAndExpiriesAreSeenAndAnnounced() throws Exception {
    deploy(SilenceVerticle.RETENTION);
    assertThat(index.silencedBy(INGEST)).isEmpty();

    Silence silence = add("group=ingest", Duration.ofHours(1));
    await().atMost(WAIT).until(() -> index.silencedBy(INGEST).equals(List.of(silence.id())));
    await().atMost(WAIT).until(() -> changes.get() >= 1);
    int announced = changes.get();

    expire(silence);
    await().atMost(WAIT).until(() -> index.silencedBy(INGEST).isEmpty());
    await().atMost(WAIT).until(() -> changes.get() > announced);
    assertThat(index.current().get(silence.id()).orElseThrow().state(Instant.now()))
        .isEqualTo(Silence.State.EXPIRED);
  }

  @Test
  void aSilenceThatEndsByItselfIsAnnouncedWhenItEnds() throws Exception {
    deploy(SilenceVerticle.RETENTION);
    Silence silence = add("group=ingest", Duration.ofMillis(800));
    await().atMost(WAIT).until(() -> index.silencedBy(INGEST).equals(List.of(silence.id())));
    int announced = changes.get();

    await().atMost(WAIT).until(() -> changes.get() > announced);

    assertThat(Instant.now()).isAfterOrEqualTo(silence.endsAt());
    assertThat(index.silencedBy(INGEST)).isEmpty();
  }

  @Test
  void expiredSilencesAreRemovedAfterTheRetention() throws Exception {
    deploy(Duration.ofMillis(300));
    Silence kept = add("group=ingest", Duration.ofHours(1));
    Silence old = add("group=web", Duration.ofHours(1));
    await().atMost(WAIT).until(() -> index.current().size() == 2);

    expire(old);

    await()
        .atMost(WAIT)
        .until(() -> client.checkExists().forPath(layout.silence(old.id())) == null);
    await().atMost(WAIT).until(() -> index.current().size() == 1);
    assertThat(client.checkExists().forPath(layout.silence(kept.id()))).isNotNull();
  }

  @Test
  void anUnreadableSilenceIsIgnoredAndTheOthersStay() throws Exception {
    Silence good = add("group=ingest", Duration.ofHours(1));
    client.create().forPath(layout.silence("broken"), "{not json".getBytes());

    deploy(SilenceVerticle.RETENTION);

    assertThat(index.current().size()).isEqualTo(1);
    assertThat(index.silencedBy(INGEST)).containsExactly(good.id());
  }

  @Test
  void silencesStayInForceWhileZooKeeperIsDownAndChangesMeanwhileAreSeenAfter() throws Exception {
    Silence silence = add("group=ingest", Duration.ofHours(1));
    deploy(SilenceVerticle.RETENTION);

    server.stop();
    await().atMost(WAIT).until(() -> !client.getZookeeperClient().isConnected());
    assertThat(index.silencedBy(INGEST)).containsExactly(silence.id());

    server.restart();
    CuratorFramework other = Zk.client(server.getConnectString(), Duration.ofSeconds(5));
    try {
      new SilenceStore(AsyncCuratorFramework.wrap(other), layout)
          .expire(silence.id(), Instant.now())
          .toCompletableFuture()
          .get(10, TimeUnit.SECONDS);
    } finally {
      other.close();
    }
    await().atMost(WAIT).until(() -> index.silencedBy(INGEST).isEmpty());
  }
}
