package io.flumesentinel.monitor;

import io.flumesentinel.ack.AckIndex;
import io.flumesentinel.alert.Router;
import io.flumesentinel.config.ClassifierConfig;
import io.flumesentinel.config.FlappingConfig;
import io.flumesentinel.config.GroupDegradedConfig;
import io.flumesentinel.config.HistoryConfig;
import io.flumesentinel.config.HostDownConfig;
import io.flumesentinel.config.WebhookReceiverConfig;
import io.flumesentinel.event.LocalCodec;
import io.flumesentinel.ha.UnclusteredPeersVerticle;
import io.flumesentinel.history.HistoryStore;
import io.flumesentinel.history.HistoryWriterVerticle;
import io.flumesentinel.logging.QuietThreads;
import io.flumesentinel.metrics.MonitorMetrics;
import io.flumesentinel.notify.webhook.WebhookChannel;
import io.flumesentinel.protocol.AgentNode;
import io.flumesentinel.protocol.LiveNode;
import io.flumesentinel.protocol.Registration;
import io.flumesentinel.protocol.ZkLayout;
import io.flumesentinel.readiness.Readiness;
import io.flumesentinel.silence.SilenceIndex;
import io.flumesentinel.zk.EmbeddedZooKeeper;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.core.buffer.Buffer;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.OptionalInt;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BooleanSupplier;
import java.util.function.IntFunction;
import java.util.stream.Stream;
import org.apache.curator.framework.CuratorFramework;
import org.apache.curator.framework.CuratorFrameworkFactory;
import org.apache.curator.x.async.AsyncCuratorFramework;

/**
 * Storms played through the monitor's whole pipeline — the watch, the classifier and its fence, the
 * shaping, the ledger and its writes, a webhook notifier — deployed on a Vert.x of its own against
 * a ZooKeeper server of its own (embedded, on the loopback, in a temporary directory), with made-up
 * agents: each round registers a fleet, closes the session of its live nodes (a storm of losses),
 * then stops the fleet on purpose (a storm of resolutions). The alerts go to a server of that
 * Vert.x on the loopback. Everything is closed and deleted afterwards.
 *
 * <p>Why: a warm monitor delivers a storm of 5,000 losses in about 1.2 s; a cold one, in about 2 s,
 * most of the difference being code the JVM compiles during the storm (the ZooKeeper client's
 * notifications, the event bus, the ledger's writes). Played here, once, after the monitor is
 * ready, the same code is compiled before a real storm. The JVM's optimizing compiler takes a
 * method once it has run some thousands of times (5,000 calls by default), so each step of the path
 * must run well past that here: with fewer rounds, the real storm is what pushes them over, and
 * they are compiled in the middle of it.
 *
 * <p>Not a line of it reaches the log ({@link QuietThreads}): run it through {@link #playQuietly}.
 */
final class FullDressRehearsal {

  private static final String RECEIVER = "rehearsal";

  /** The start of the name of each rehearsal's temporary directory. */
  static final String DIRECTORY_PREFIX = "flume-sentinel-rehearsal";

  private static final Duration WITHIN = Duration.ofSeconds(120);
  private static final int WINDOW = 1_000;

  /**
   * The agents of a first, small round, played before the others. Why: it takes every path of a
   * round (registration, loss, fence, resolution, deletion) before any of its methods has run often
   * enough to be compiled. A path first taken once a method is compiled makes the JVM throw that
   * code away; seen in the ZooKeeper client's delivery of notifications, whose first deletions came
   * after the first storm: it was not compiled again before the rehearsal ended, but in the middle
   * of the next real storm (1.6 s of a compiler thread on a cold storm of 5,000 losses).
   */
  private static final int FIRST_ROUND_AGENTS = 100;

  /** Agents per batch of the trickle that follows the storms. */
  static final int TRICKLE = 20;

  /**
   * How often the rehearsal's monitor announces itself, as a monitor without cluster mode does
   * every {@link UnclusteredPeersVerticle#RECHECK}: often enough to run many times while the
   * rehearsal lasts. Why: the announcement is a create that ZooKeeper refuses (the node is there),
   * and the ZooKeeper client's handling of a refused create was a branch its compiled event
   * dispatch had never seen in the rehearsal. The monitor's first announcement after the rehearsal
   * threw that code away, and its compilation again (a second of the optimizing compiler) happened
   * in the next storm (JFR, a cold storm of 5,000 losses).
   */
  private static final Duration PEERS_RECHECK = Duration.ofMillis(200);

  /**
   * The optimizing compiler has caught up once its queue has stayed empty this long while the
   * trickle runs: what the trickle brings up after that is what a storm would bring up too.
   */
  private static final Duration CAUGHT_UP_FOR = Duration.ofMillis(500);

  /**
   * The longest the trickle goes on in the monitor. On this project's 2-core machine the optimizing
   * compiler's queue held 100–170 methods when the storms ended and still some 20 after 30 s of
   * trickle (it never stayed empty), while the storms measured after 20 s of it were as fast as
   * after 30; with more cores it empties sooner, and the trickle stops then.
   */
  static final Duration TRICKLE_AT_MOST = Duration.ofSeconds(20);

  /**
   * Alerts delivered at the loopback receiver: those of the storms (a loss and a resolution per
   * agent of each round) and those of the trickle after them.
   */
  record Played(int storms, int trickle) {}

  private final ClassifierConfig classifier;
  private final FlappingConfig flapping;
  private final GroupDegradedConfig groupDegraded;
  private final HostDownConfig hostDown;
  private final String externalUrl;
  private final Duration trickleAtMost;

  FullDressRehearsal(
      ClassifierConfig classifier,
      FlappingConfig flapping,
      GroupDegradedConfig groupDegraded,
      HostDownConfig hostDown,
      String externalUrl) {
    this(classifier, flapping, groupDegraded, hostDown, externalUrl, TRICKLE_AT_MOST);
  }

  /**
   * @param trickleAtMost the longest the trickle after the storms goes on
   */
  FullDressRehearsal(
      ClassifierConfig classifier,
      FlappingConfig flapping,
      GroupDegradedConfig groupDegraded,
      HostDownConfig hostDown,
      String externalUrl,
      Duration trickleAtMost) {
    this.trickleAtMost = trickleAtMost;
    this.classifier = classifier;
    this.flapping = flapping;
    this.groupDegraded = groupDegraded;
    this.hostDown = hostDown;
    this.externalUrl = externalUrl;
  }

  /** {@link #play} with every line of it kept out of the log. */
  Played playQuietly(int agents, int rounds) throws Exception {
    return QuietThreads.run(() -> play(agents, rounds));
  }

  /**
   * Starts the pipeline, then plays a first round of a few agents and {@code rounds} rounds of
   * {@code agents}. Each round registers a fleet of running agents, their live nodes on a session
   * of its own, closes that session and waits for the alerts at the loopback server, then stops the
   * fleet on purpose and waits for the resolutions. Then keeps a trickle of crashes and resolutions
   * going until the JIT has caught up ({@link #trickle}).
   */
  Played play(int agents, int rounds) throws Exception {
    Path temporary = Path.of(System.getProperty("java.io.tmpdir"));
    deleteLeftBehind(temporary);
    Path directory = Files.createTempDirectory(temporary, DIRECTORY_PREFIX);
    List<AutoCloseable> opened = new ArrayList<>();
    try {
      EmbeddedZooKeeper server = EmbeddedZooKeeper.start(0, directory.resolve("zookeeper"));
      opened.add(server);
      ZkLayout layout = ZkLayout.defaults();
      CuratorFramework watching = client(server, opened);
      Registration operator =
          new Registration(AsyncCuratorFramework.wrap(client(server, opened)), layout);
      // What the monitor's own Vert.x runs besides the pipeline, so that the code compiled here is
      // the code a real storm runs: Vert.x's metrics (its pools, its HTTP client), the figures
      // the pipeline reports (classifications, deliveries), the agents counted by group, the
      // history of what is published and delivered, in a database of the rehearsal's own, and
      // the announcement to other monitors (see PEERS_RECHECK).
      MonitorMetrics metrics = new MonitorMetrics();
      Path historyDir = directory.resolve("history");
      HistoryStore history = HistoryStore.open(historyDir);
      opened.add(history);
      Vertx vertx = metrics.vertxBuilderApart(new VertxOptions()).build();
      opened.add(() -> vertx.close().await(WITHIN.toSeconds(), TimeUnit.SECONDS));
      LocalCodec.registerAll(vertx);
      requestAndReply(vertx);
      DeploymentWait.untilDeployed(
          vertx.deployVerticle(
              new HistoryWriterVerticle(
                  history,
                  HistoryConfig.in(historyDir),
                  Clock.systemUTC(),
                  HistoryWriterVerticle.RETENTION_CHECK)),
          WITHIN);
      DeploymentWait.untilDeployed(metrics.deploy(vertx), WITHIN);
      // Counted where a receiver counts them: the notifier's own Delivered messages are the
      // ledger's, sent to one consumer.
      AtomicInteger delivered = new AtomicInteger();
      int port =
          vertx
              .createHttpServer()
              .requestHandler(
                  r ->
                      r.body()
                          .onSuccess(
                              body -> r.response().setStatusCode(count(body, delivered)).end())
                          .onFailure(error -> r.response().setStatusCode(400).end()))
              .listen(0, "127.0.0.1")
              .await(WITHIN.toSeconds(), TimeUnit.SECONDS)
              .actualPort();
      WebhookReceiverConfig webhook =
          WebhookReceiverConfig.of(RECEIVER, List.of("http://localhost:" + port + "/" + RECEIVER));
      Readiness readiness = new Readiness();
      AlertPipeline pipeline =
          AlertPipeline.builder(watching, layout)
              .readiness(readiness)
              .silences(new SilenceIndex(Clock.systemUTC()))
              .acks(new AckIndex())
              .receivers(List.of(RECEIVER), Router.of(null, List.of(RECEIVER)))
              .notifiers(
                  () ->
                      Monitor.observed(
                          Map.of(RECEIVER, WebhookChannel.notifier(webhook, externalUrl)), metrics))
              .classifier(classifier, Duration.ofSeconds(30))
              .classificationTimes(metrics.classificationTimes())
              .externalUrl(externalUrl)
              .shaping(flapping, hostDown)
              .groupDegraded(groupDegraded)
              .build();
      DeploymentWait.untilDeployed(pipeline.deployAlwaysActive(vertx), WITHIN);
      DeploymentWait.untilDeployed(
          vertx.deployVerticle(
              new UnclusteredPeersVerticle(
                  AsyncCuratorFramework.wrap(watching), layout, RECEIVER, PEERS_RECHECK)),
          WITHIN);
      awaitUntil(readiness::ready);
      for (int round = 0; round <= rounds; round++) {
        String prefix = "rehearsal-" + round + "-";
        int size = round == 0 ? Math.min(agents, FIRST_ROUND_AGENTS) : agents;
        CuratorFramework fleet = client(server, opened);
        register(new Registration(AsyncCuratorFramework.wrap(fleet), layout), prefix, size);
        int before = delivered.get();
        fleet.close();
        awaitStorm(delivered, before + size);
        // The fleet is then stopped on purpose, which resolves its alerts: a storm's second half
        // when its agents come back, and it keeps the rehearsal's ZooKeeper and ledger at one
        // fleet's size however many rounds it plays.
        int fired = delivered.get();
        deregister(operator, prefix, size);
        awaitStorm(delivered, fired + size);
      }
      int storms = delivered.get();
      return new Played(storms, trickle(operator, delivered));
    } finally {
      for (int i = opened.size() - 1; i >= 0; i--) {
        try {
          opened.get(i).close();
        } catch (Exception e) {
          // closing what is left matters more than why one part would not close
        }
      }
      deleteRecursively(directory);
    }
  }

  /**
   * Crashes and resolutions of {@link #TRICKLE} agents at a time, one batch after the other, until
   * the optimizing compiler has had nothing to do for {@link #CAUGHT_UP_FOR} ({@link
   * OptimizingCompiler#backlog}), or for {@code trickleAtMost}; returns the alerts delivered.
   *
   * <p>Why: the storms leave the optimizing compiler with a queue of methods to compile (100–170 on
   * a 2-core machine), some of which take it most of a second: the classifier's handling of a
   * change, the ZooKeeper client's bookkeeping of persistent watches. The JVM drops from that queue
   * a method that has not run for some tens of milliseconds, as no longer hot; once the storms end,
   * that is all of them, and they were compiled in the middle of the next real storm instead (seen
   * with JFR in every cold storm of 5,000 losses). The trickle keeps every step of the path
   * running, so that the queue is compiled here.
   */
  private int trickle(Registration operator, AtomicInteger delivered) throws Exception {
    long giveUp = System.nanoTime() + trickleAtMost.toNanos();
    long emptySince = -1;
    int start = delivered.get();
    for (int batch = 0; System.nanoTime() < giveUp; batch++) {
      String prefix = "rehearsal-trickle-" + batch + "-";
      register(operator, prefix, TRICKLE);
      int before = delivered.get();
      each(TRICKLE, i -> operator.dropLive(prefix + i));
      awaitStorm(delivered, before + TRICKLE);
      int fired = delivered.get();
      deregister(operator, prefix, TRICKLE);
      awaitStorm(delivered, fired + TRICKLE);
      OptionalInt backlog = OptimizingCompiler.backlog();
      if (backlog.isEmpty()) {
        continue; // the JVM does not say: until trickleAtMost
      }
      if (backlog.getAsInt() > 0) {
        emptySince = -1;
      } else if (emptySince < 0) {
        emptySince = System.nanoTime();
      } else if (System.nanoTime() - emptySince >= CAUGHT_UP_FOR.toNanos()) {
        break;
      }
    }
    return delivered.get() - start;
  }

  /**
   * An agent with a host and a group of its own: one loss each, far from any host or group alert.
   */
  private static AgentNode agent(String id) {
    return AgentNode.of(id, id, Map.of());
  }

  /**
   * One request and its reply over {@code vertx}'s event bus. Why: the event bus's code loads the
   * class of its reply handlers the first time it is run compiled, even for a publish, which has
   * none; loading a new kind of registration makes the JVM throw away the compiled delivery of
   * every message and compile it again, which took a compiler thread 1.0–1.5 s in the middle of a
   * cold storm of 5,000 losses. Loaded here, before that code is compiled, it costs nothing later.
   */
  private static void requestAndReply(Vertx vertx) throws TimeoutException {
    String address = "flume.sentinel.rehearsal.echo";
    vertx
        .eventBus()
        .localConsumer(address, message -> message.reply(message.body()))
        .completion()
        .await(WITHIN.toSeconds(), TimeUnit.SECONDS);
    vertx.eventBus().request(address, "echo").await(WITHIN.toSeconds(), TimeUnit.SECONDS);
  }

  /**
   * Deletes the directories of rehearsals that ended without deleting theirs (their monitor was
   * killed while it rehearsed): those in {@code temporary} whose ZooKeeper lock no process holds. A
   * monitor rehearsing on the same host at this moment holds its lock, and keeps its directory.
   */
  static void deleteLeftBehind(Path temporary) {
    try (Stream<Path> entries = Files.list(temporary)) {
      entries
          .filter(entry -> entry.getFileName().toString().startsWith(DIRECTORY_PREFIX))
          .filter(Files::isDirectory)
          .filter(FullDressRehearsal::unlocked)
          .forEach(FullDressRehearsal::deleteRecursively);
    } catch (IOException | RuntimeException e) {
      // left for the next start: a leftover costs only disk
    }
  }

  /** Whether no process holds the lock of the ZooKeeper in {@code directory}. */
  private static boolean unlocked(Path directory) {
    Path lock = directory.resolve("zookeeper").resolve(EmbeddedZooKeeper.LOCK_FILE);
    if (!Files.exists(lock)) {
      return true; // killed before its ZooKeeper started, or after its files were deleted
    }
    try (FileChannel channel = FileChannel.open(lock, StandardOpenOption.WRITE)) {
      FileLock held = channel.tryLock();
      if (held == null) {
        return false;
      }
      held.release();
      return true;
    } catch (OverlappingFileLockException inThisProcess) {
      return false;
    } catch (IOException e) {
      return false;
    }
  }

  /**
   * Adds the alerts of one webhook body to {@code delivered}; returns the status to answer: 400 for
   * a body that is not one (another process on the host may post to the loopback port too).
   */
  private static int count(Buffer body, AtomicInteger delivered) {
    try {
      delivered.addAndGet(body.toJsonObject().getJsonArray("alerts").size());
      return 200;
    } catch (RuntimeException notAWebhookBody) {
      return 400;
    }
  }

  private static CuratorFramework client(EmbeddedZooKeeper server, List<AutoCloseable> opened)
      throws InterruptedException {
    CuratorFramework client =
        CuratorFrameworkFactory.builder()
            .connectString(server.connectString())
            .sessionTimeoutMs(30_000)
            .connectionTimeoutMs(10_000)
            .retryPolicy(Monitor.retryPolicy())
            .build();
    opened.add(client);
    client.start();
    if (!client.blockUntilConnected((int) WITHIN.toSeconds(), TimeUnit.SECONDS)) {
      throw new IllegalStateException("the rehearsal's ZooKeeper did not answer");
    }
    return client;
  }

  /**
   * Agent nodes and live nodes {@code prefix}0 to {@code prefix}({@code agents - 1}), the live
   * nodes owned by {@code registration}'s session.
   */
  private static void register(Registration registration, String prefix, int agents)
      throws Exception {
    LiveNode live = new LiveNode(1, Instant.now(), "rehearsal", 0);
    each(
        agents,
        i ->
            registration
                .register(prefix + i, agent(prefix + i))
                .thenCompose(created -> registration.goLive(prefix + i, live)));
  }

  /** Deletes the agents {@link #register} created, in one transaction each. */
  private static void deregister(Registration operator, String prefix, int agents)
      throws Exception {
    each(agents, i -> operator.deregister(prefix + i));
  }

  /**
   * Runs {@code write} for 0 to {@code count - 1}, {@link #WINDOW} at a time, and waits for each
   * window's writes.
   */
  private static void each(int count, IntFunction<CompletionStage<?>> write) throws Exception {
    for (int from = 0; from < count; from += WINDOW) {
      List<CompletableFuture<?>> writes = new ArrayList<>();
      for (int i = from; i < Math.min(count, from + WINDOW); i++) {
        writes.add(write.apply(i).toCompletableFuture());
      }
      CompletableFuture.allOf(writes.toArray(CompletableFuture[]::new))
          .get(WITHIN.toSeconds(), TimeUnit.SECONDS);
    }
  }

  /**
   * Until {@code expected} alerts have come, or some have and no more for a second: with the
   * monitor's own shaping, a host-level or group alert may stand for many.
   */
  private static void awaitStorm(AtomicInteger delivered, int expected)
      throws InterruptedException {
    int start = delivered.get();
    int seen = start;
    long quietSince = System.nanoTime();
    long giveUp = System.nanoTime() + WITHIN.toNanos();
    while (delivered.get() < expected && System.nanoTime() < giveUp) {
      Thread.sleep(20);
      int now = delivered.get();
      if (now != seen) {
        seen = now;
        quietSince = System.nanoTime();
      } else if (now > start && System.nanoTime() - quietSince > TimeUnit.SECONDS.toNanos(1)) {
        return;
      }
    }
  }

  private static void awaitUntil(BooleanSupplier condition) throws InterruptedException {
    long giveUp = System.nanoTime() + WITHIN.toNanos();
    while (!condition.getAsBoolean()) {
      if (System.nanoTime() > giveUp) {
        throw new IllegalStateException(
            "the rehearsal did not finish within " + WITHIN.toSeconds() + " s");
      }
      Thread.sleep(20);
    }
  }

  private static void deleteRecursively(Path directory) {
    try (Stream<Path> paths = Files.walk(directory)) {
      paths.sorted(Comparator.reverseOrder()).forEach(path -> path.toFile().delete());
    } catch (IOException e) {
      // a temporary directory left behind is the system's to clean
    }
  }
}
