package io.flumesentinel.classify;

import io.flumesentinel.classify.Classifier.AgentNodeAnswer;
import io.flumesentinel.classify.Classifier.Effect;
import io.flumesentinel.classify.Classifier.PublishEvent;
import io.flumesentinel.classify.Classifier.ReadAgentNode;
import io.flumesentinel.classify.Classifier.SendReconciliation;
import io.flumesentinel.classify.Classifier.SendTransition;
import io.flumesentinel.classify.LifecycleLines.Held;
import io.flumesentinel.classify.LifecycleLines.One;
import io.flumesentinel.classify.LifecycleLines.Said;
import io.flumesentinel.config.ClassifierConfig;
import io.flumesentinel.event.Addresses;
import io.flumesentinel.event.Alert;
import io.flumesentinel.event.ConnectionChange;
import io.flumesentinel.event.DeadlineTimer;
import io.flumesentinel.event.FenceReached;
import io.flumesentinel.event.LifecycleEvent;
import io.flumesentinel.event.NodeChange;
import io.flumesentinel.event.NodeData;
import io.flumesentinel.event.OwnThread;
import io.flumesentinel.event.WatchSnapshot;
import io.flumesentinel.protocol.UntrustedText;
import io.vertx.core.AsyncResult;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.eventbus.DeliveryOptions;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.function.Function;
import java.util.function.LongConsumer;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Decides what each change of the registration nodes means: CRASHED, SESSION_LOST, NOT_RUNNING
 * (alert), STOPPED (no alert) or RECOVERED (the alert resolves), and sends the resulting {@link
 * Alert} transitions on {@link Addresses#CLASSIFIED} (on to flap detection, host-level inhibition
 * and the ledger).
 *
 * <p>A removed live node is classified by asking whether the agent node exists as ZooKeeper has it
 * (an {@link AgentNodeReader}: in the monitor, a fence on the watch's session, see {@link
 * FencedAgentNodeReader}), asynchronously: absent means a deliberate stop, present means an
 * abnormal exit, and no answer means <em>unknown</em>, which is held and decided again when the
 * connection is back — never taken for absent.
 *
 * <p>A running agent whose node says its health is STUCK or HUNG has a second alert, {@code
 * FlumeAgentStuck}, resolved when the health is OK again, when the agent is deregistered, or when
 * it stops running (its down alert takes over).
 *
 * <p>Agents registered, started, stopped and deregistered are logged one line each, summarised
 * during storms ({@link LifecycleLines}).
 *
 * <p>The decisions are the {@link Classifier}'s; this verticle only moves messages, performs the
 * reads it asks for, and keeps one timer at its next deadline.
 */
public final class ClassifierVerticle extends VerticleBase implements OwnThread {

  private static final Logger log = LoggerFactory.getLogger(ClassifierVerticle.class);

  private static final DeliveryOptions LOCAL = new DeliveryOptions().setLocalOnly(true);

  /** Lifecycle lines said one by one per interval, before a storm is summarised. */
  static final int LIFECYCLE_LINES_PER_INTERVAL = 20;

  static final Duration LIFECYCLE_INTERVAL = Duration.ofSeconds(1);

  private final Function<Context, AgentNodeReader> readers;
  private final LongConsumer verdictNanos;
  private final Clock clock;
  private final Classifier classifier;
  private final LifecycleLines lifecycleLines;

  private AgentNodeReader reader;

  /** How long a fence may take, for a {@link #fenced} classifier (no {@code readers}). */
  private Duration fenceTimeout;

  private DeadlineTimer deadline;

  public ClassifierVerticle(
      ClassifierConfig config,
      Function<Context, AgentNodeReader> readers,
      AgentAlerts alerts,
      Clock clock) {
    this(config, readers, alerts, clock, nanos -> {});
  }

  /**
   * @param verdictNanos told, on this verticle's context, how long each read of an agent node took
   *     from its request to the verdict made on its answer, in nanoseconds: the time a removed live
   *     node takes to be classified
   */
  public ClassifierVerticle(
      ClassifierConfig config,
      Function<Context, AgentNodeReader> readers,
      AgentAlerts alerts,
      Clock clock,
      LongConsumer verdictNanos) {
    this.readers = readers;
    this.verdictNanos = verdictNanos;
    this.clock = clock;
    this.classifier = new Classifier(config, alerts, clock);
    this.lifecycleLines =
        new LifecycleLines(clock, LIFECYCLE_LINES_PER_INTERVAL, LIFECYCLE_INTERVAL);
  }

  /**
   * Its own thread: deciding a storm never holds up an event loop's I/O, nor the stages after it.
   */
  @Override
  public String threadName() {
    return "flume-sentinel-classify";
  }

  /**
   * A classifier that answers its reads of agent nodes from the watch's changes behind a fence on
   * the watch's session ({@link FencedAgentNodeReader}), as the monitor runs it.
   *
   * @param readTimeout the longest a fence may take before its reads are unknown
   */
  public static ClassifierVerticle fenced(
      ClassifierConfig config,
      Duration readTimeout,
      AgentAlerts alerts,
      Clock clock,
      LongConsumer verdictNanos) {
    ClassifierVerticle verticle = new ClassifierVerticle(config, null, alerts, clock, verdictNanos);
    verticle.fenceTimeout = readTimeout;
    return verticle;
  }

  /** The agent node as the classifier has followed it, or {@code null}: what a fence answers. */
  private NodeData followedAgentNode(String agentId) {
    AgentView view = classifier.viewOf(agentId);
    return view == null ? null : view.agentData();
  }

  @Override
  public Future<?> start() {
    deadline =
        new DeadlineTimer(
            vertx, clock, classifier::nextDeadline, () -> perform(classifier.expire()));
    reader =
        readers != null
            ? readers.apply(context)
            : new FencedAgentNodeReader(context, this::followedAgentNode, fenceTimeout);
    // Undeploying the verticle cancels its timers.
    vertx.setPeriodic(
        LIFECYCLE_INTERVAL.toMillis(), id -> lifecycleLines.tick().forEach(this::log));
    var changes =
        vertx
            .eventBus()
            .localConsumer(
                Addresses.ZK_CHANGES,
                message -> {
                  Object body = message.body();
                  if (body instanceof NodeChange change) {
                    reader.coveredBy(change.fence(), () -> perform(classifier.changed(change)));
                  } else if (body instanceof WatchSnapshot snapshot) {
                    perform(classifier.reconcile(snapshot));
                  } else if (body instanceof FenceReached fence
                      && reader instanceof FencedAgentNodeReader fenced) {
                    fenced.reached(fence);
                  }
                });
    var connection =
        vertx
            .eventBus()
            .<ConnectionChange>localConsumer(
                Addresses.ZK_CONNECTION,
                m -> perform(classifier.connectionChanged(m.body().state())));
    return Future.all(changes.completion(), connection.completion());
  }

  private void perform(List<Effect> effects) {
    for (Effect effect : effects) {
      if (effect instanceof SendTransition send) {
        vertx.eventBus().send(Addresses.CLASSIFIED, send.alert(), LOCAL);
      } else if (effect instanceof SendReconciliation send) {
        vertx.eventBus().send(Addresses.CLASSIFIED, send.reconciliation(), LOCAL);
      } else if (effect instanceof PublishEvent publish) {
        vertx.eventBus().publish(Addresses.EVENTS, publish.event().toJson());
        lifecycleLines.accept(publish.event()).forEach(this::log);
      } else if (effect instanceof ReadAgentNode read) {
        long asked = System.nanoTime();
        reader
            .read(read.agentId())
            .onComplete(
                answer -> {
                  answered(read, answer);
                  verdictNanos.accept(System.nanoTime() - asked);
                });
      }
    }
    deadline.reschedule();
  }

  private void log(Said said) {
    if (said instanceof One one) {
      LifecycleEvent event = one.event();
      String detail = UntrustedText.line(event.detail());
      log.info(
          "Agent {} {}{}",
          event.agentId(),
          event.type().name().toLowerCase(Locale.ROOT),
          detail == null || detail.isBlank() ? "" : " (" + detail + ")");
    } else if (said instanceof Held held) {
      log.info(
          "{} more agent lifecycle events in {} ms, not logged one by one: {}",
          held.total(),
          held.over().toMillis(),
          held.counts().entrySet().stream()
              .map(e -> e.getValue() + " " + e.getKey().name().toLowerCase(Locale.ROOT))
              .collect(Collectors.joining(", ")));
    }
  }

  private void answered(ReadAgentNode read, AsyncResult<NodeData> answer) {
    AgentNodeAnswer known;
    if (answer.failed()) {
      known = AgentNodeAnswer.unknown(answer.cause().toString());
    } else if (answer.result() == null) {
      known = AgentNodeAnswer.absent();
    } else {
      known = AgentNodeAnswer.present(answer.result());
    }
    perform(classifier.agentNodeRead(read, known));
  }
}
