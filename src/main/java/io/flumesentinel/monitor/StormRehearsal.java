package io.flumesentinel.monitor;

import io.flumesentinel.alert.LedgerRehearsal;
import io.flumesentinel.alert.Router;
import io.flumesentinel.classify.AgentAlerts;
import io.flumesentinel.classify.ClassifierRehearsal;
import io.flumesentinel.config.ClassifierConfig;
import io.flumesentinel.config.FlappingConfig;
import io.flumesentinel.config.GroupDegradedConfig;
import io.flumesentinel.config.HostDownConfig;
import io.flumesentinel.config.WebhookReceiverConfig;
import io.flumesentinel.event.Alert;
import io.flumesentinel.event.AlertGroup;
import io.flumesentinel.event.DeliveryAttempt;
import io.flumesentinel.event.Notice;
import io.flumesentinel.history.HistoryRehearsal;
import io.flumesentinel.notify.DeliveryOutcome;
import io.flumesentinel.notify.http.HttpPoster;
import io.flumesentinel.notify.webhook.AlertmanagerPayload;
import io.flumesentinel.shape.Flapping;
import io.flumesentinel.shape.GroupInhibition;
import io.flumesentinel.shape.HostInhibition;
import io.flumesentinel.shape.StageChain;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpServer;
import io.vertx.core.json.JsonObject;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A storm of made-up agent losses played once, at start-up, through this monitor's own decision
 * code with its own configuration — classification, the alert shaping, the ledger, the webhook
 * encoding, the history's records of what is published — on a thread of its own, and its deliveries
 * (the event bus's hand-offs, a real webhook notifier, a server on the loopback) on a Vert.x of its
 * own ({@link HandOffRehearsal}): nothing is read from ZooKeeper or written, nothing is sent to a
 * receiver, and nothing reaches the monitor's event bus.
 *
 * <p>Why: a monitor meets its first storm after days of idling, with its alert path never run often
 * enough for the JVM to compile it. Measured on a cold monitor (see {@code docs/benchmarks.md}),
 * the JIT compiler took about a third of the monitor's CPU during a storm of 5,000 losses, and the
 * rest ran in the interpreter. Played beforehand, the same code is compiled while the monitor has
 * nothing else to do.
 */
final class StormRehearsal {

  private static final Logger log = LoggerFactory.getLogger(StormRehearsal.class);

  /** Losses per round, and rounds: each method of the path runs past the JVM's compile counts. */
  static final int AGENTS = 2_500;

  static final int ROUNDS = 4;

  /**
   * Storms of {@link #AGENTS} losses played through the whole pipeline, each followed by as many
   * resolutions: enough for each step to run past the optimizing compiler's count before a real
   * storm.
   */
  static final int FULL_DRESS_STORMS = 6;

  /** The longest {@link #stop()} waits for the rehearsal's thread to end. */
  private static final Duration STOP_WITHIN = Duration.ofSeconds(5);

  private volatile boolean stopped;
  private volatile Thread running;

  /** The longest the rehearsal waits for the monitor to be ready before it plays anyway. */
  private static final Duration WAIT_FOR_READY = Duration.ofMinutes(5);

  /** Alerts in one webhook body, as a webhook receiver's default {@code maxBatch}. */
  private static final int BATCH = WebhookReceiverConfig.DEFAULT_MAX_BATCH;

  private final ClassifierConfig classifier;
  private final FlappingConfig flapping;
  private final GroupDegradedConfig groupDegraded;
  private final HostDownConfig hostDown;
  private final List<String> receivers;
  private final Router router;
  private final Supplier<String> externalUrl;

  StormRehearsal(
      ClassifierConfig classifier,
      FlappingConfig flapping,
      GroupDegradedConfig groupDegraded,
      HostDownConfig hostDown,
      List<String> receivers,
      Router router,
      Supplier<String> externalUrl) {
    this.classifier = classifier;
    this.flapping = flapping;
    this.groupDegraded = groupDegraded;
    this.hostDown = hostDown;
    this.receivers = List.copyOf(receivers);
    this.router = router;
    this.externalUrl = externalUrl;
  }

  /**
   * Plays the rehearsal on a daemon thread of its own once {@code ready} (so that it never competes
   * with the monitor's start), or after {@link #WAIT_FOR_READY} at most; returns at once.
   */
  void startInBackground(Vertx vertx, BooleanSupplier ready) {
    Thread thread =
        new Thread(
            () -> {
              long giveUp = System.nanoTime() + WAIT_FOR_READY.toNanos();
              try {
                while (!ready.getAsBoolean() && System.nanoTime() < giveUp) {
                  Thread.sleep(200);
                }
              } catch (InterruptedException e) {
                return;
              }
              List<Runnable> steps =
                  List.of(this::playLogged, () -> postLogged(vertx), this::fullDressLogged);
              for (Runnable step : steps) {
                if (stopped) {
                  return;
                }
                step.run();
              }
            },
            "storm-rehearsal");
    running = thread;
    thread.setDaemon(true);
    thread.setPriority(Thread.MIN_PRIORITY);
    thread.start();
  }

  /**
   * Stops the rehearsal, if it runs, and waits for it a few seconds at most: the monitor calls this
   * before it closes its Vert.x, which the rehearsal's webhook request uses. A monitor stopped
   * while it rehearsed otherwise logged the rehearsal's failures, with Netty's stack traces of a
   * request on a Vert.x being closed.
   */
  void stop() {
    stopped = true;
    Thread thread = running;
    if (thread == null) {
      return;
    }
    thread.interrupt();
    try {
      thread.join(STOP_WITHIN.toMillis());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  private void playLogged() {
    long start = System.nanoTime();
    try {
      int alerts = play();
      log.info(
          "Rehearsed {} rounds of {} agent losses in {} ms ({} alerts; nothing read or written,"
              + " nothing sent to a receiver), so that the first real storm runs on compiled code",
          ROUNDS,
          AGENTS,
          (System.nanoTime() - start) / 1_000_000,
          alerts);
    } catch (Exception e) {
      // Only the speed of the first storm depends on it: the monitor goes on as it is.
      if (!stopped) {
        log.warn("The storm rehearsal failed ({}); the first storm will be slower", e.toString());
      }
    }
  }

  /**
   * Storms through the whole pipeline on a ZooKeeper and a Vert.x of their own ({@link
   * FullDressRehearsal}), with none of their lines in the log; then one line saying so.
   */
  private void fullDressLogged() {
    long start = System.nanoTime();
    try {
      FullDressRehearsal.Played played =
          new FullDressRehearsal(classifier, flapping, groupDegraded, hostDown, externalUrl.get())
              .playQuietly(AGENTS, FULL_DRESS_STORMS);
      log.info(
          "Rehearsed {} storms of {} agent losses, and their resolutions, through the whole"
              + " pipeline, on a ZooKeeper and a Vert.x of its own, then {} more alerts while the"
              + " JIT caught up, in {} ms ({} alerts delivered on the loopback)",
          FULL_DRESS_STORMS,
          AGENTS,
          played.trickle(),
          (System.nanoTime() - start) / 1_000_000,
          played.storms() + played.trickle());
    } catch (Exception e) {
      if (!stopped) {
        log.warn(
            "The full storm rehearsal failed ({}); the first storm will be slower", e.toString());
      }
    }
  }

  /**
   * One webhook body posted through the notifiers' HTTP client ({@link HttpPoster}) to a server of
   * the rehearsal's own on the loopback, by host name: the first notice of a storm otherwise loads
   * the HTTP client's classes, starts the name resolver and opens the client's first connection
   * (about a second on a busy 2-core machine) before it leaves. No receiver is contacted.
   */
  private void postLogged(Vertx vertx) {
    try {
      log.debug("Rehearsed a webhook request: {}", post(vertx));
    } catch (Exception e) {
      log.info("Could not rehearse a webhook request on the loopback ({})", e.toString());
    }
  }

  /** Posts the one webhook body of {@link #postLogged}; returns how the server answered. */
  DeliveryOutcome post(Vertx vertx) throws Exception {
    HttpServer server =
        vertx
            .createHttpServer()
            .requestHandler(request -> request.body().onComplete(read -> request.response().end()));
    HttpPoster poster = new HttpPoster(vertx, Duration.ofSeconds(5), Duration.ofSeconds(5));
    try {
      int port = server.listen(0, "127.0.0.1").await(10, TimeUnit.SECONDS).actualPort();
      Buffer body =
          AlertmanagerPayload.of(
                  "rehearsal",
                  externalUrl.get(),
                  AlertGroup.of("rehearsal", Map.of(), Duration.ZERO, Duration.ZERO),
                  ClassifierRehearsal.loseAll(
                      classifier, new AgentAlerts(externalUrl.get()), BATCH / 10))
              .toBuffer();
      return poster
          .post("http://localhost:" + port + "/rehearsal", body)
          .await(10, TimeUnit.SECONDS);
    } finally {
      poster.close();
      server.close();
    }
  }

  /** The attempt a notifier publishes once a receiver accepted {@code batch}. */
  private static DeliveryAttempt attempt(String receiver, List<Alert> batch) {
    return new DeliveryAttempt(
        UUID.randomUUID().toString(),
        receiver,
        "http://localhost",
        Instant.now(),
        1,
        DeliveryAttempt.Outcome.DELIVERED,
        200,
        "",
        batch.stream().map(DeliveryAttempt.AlertRef::of).toList());
  }

  /** Plays every round; returns how many alerts went through the ledger. */
  int play() throws Exception {
    int alerts = 0;
    try (HandOffRehearsal handOffs = HandOffRehearsal.start(externalUrl.get())) {
      for (int round = 0; round < ROUNDS; round++) {
        alerts += playRound(handOffs);
      }
    }
    return alerts;
  }

  private int playRound(HandOffRehearsal handOffs) throws Exception {
    Clock clock = Clock.systemUTC();
    List<Alert> down =
        ClassifierRehearsal.loseAll(classifier, new AgentAlerts(externalUrl.get()), AGENTS);
    StageChain shaping =
        StageChain.of(
            new Flapping(flapping, clock),
            new GroupInhibition(groupDegraded, clock),
            new HostInhibition(hostDown, clock));
    List<Alert> shaped = new ArrayList<>();
    down.forEach(alert -> shaped.addAll(shaping.apply(alert)));
    LedgerRehearsal.Played played = LedgerRehearsal.play(receivers, router, clock, shaped);
    List<JsonObject> attempts = new ArrayList<>();
    played.notices().forEach((receiver, notices) -> attempts(receiver, notices, attempts));
    HistoryRehearsal.records(played.published(), attempts);
    for (List<Notice> notices : played.notices().values()) {
      handOffs.deliver(notices.stream().map(Notice::alert).toList());
    }
    return shaped.size();
  }

  /**
   * Adds to {@code attempts} the delivery attempts a notifier would publish for {@code notices}, by
   * group, in batches, as the history gets them. The bodies themselves are encoded by the real
   * notifier of {@link HandOffRehearsal}.
   */
  private static void attempts(String receiver, List<Notice> notices, List<JsonObject> attempts) {
    Map<AlertGroup, List<Alert>> byGroup = new LinkedHashMap<>();
    notices.forEach(n -> byGroup.computeIfAbsent(n.group(), g -> new ArrayList<>()).add(n.alert()));
    byGroup.forEach(
        (group, alerts) -> {
          for (int from = 0; from < alerts.size(); from += BATCH) {
            List<Alert> batch = alerts.subList(from, Math.min(alerts.size(), from + BATCH));
            attempts.add(attempt(receiver, batch).toJson().copy());
          }
        });
  }
}
