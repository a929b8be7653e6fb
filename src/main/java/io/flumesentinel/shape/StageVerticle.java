package io.flumesentinel.shape;

import io.flumesentinel.event.Addresses;
import io.flumesentinel.event.Alert;
import io.flumesentinel.event.DeadlineTimer;
import io.flumesentinel.event.NodeChange;
import io.flumesentinel.event.OwnThread;
import io.flumesentinel.event.Reconciliation;
import io.flumesentinel.event.WatchSnapshot;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.eventbus.DeliveryOptions;
import java.time.Clock;
import java.util.List;

/**
 * Runs one {@link AlertStage} between two internal addresses: every {@link Alert} and {@link
 * Reconciliation} arriving on {@code from} goes through the stage, and what it answers is sent on
 * {@code to}, in order. One timer wakes the stage at its next deadline.
 *
 * <p>A stage that {@link AlertStage#followsRegistrations() follows registrations} is also told of
 * the agent nodes the watch reports ({@link Addresses#ZK_CHANGES}): every registered agent's group
 * from the watch's snapshot, then each agent node created, changed or deleted.
 */
public final class StageVerticle extends VerticleBase implements OwnThread {

  private static final DeliveryOptions LOCAL = new DeliveryOptions().setLocalOnly(true);

  private final String from;
  private final String to;
  private final AlertStage stage;
  private final Clock clock;

  private DeadlineTimer deadline;

  /**
   * @param clock the stage's clock, to turn its deadlines into delays
   */
  public StageVerticle(String from, String to, AlertStage stage, Clock clock) {
    this.from = from;
    this.to = to;
    this.stage = stage;
    this.clock = clock;
  }

  /**
   * Its own thread: shaping a storm never holds up an event loop's I/O, nor the ledger after it.
   */
  @Override
  public String threadName() {
    return "flume-sentinel-shape";
  }

  @Override
  public Future<?> start() {
    deadline =
        new DeadlineTimer(
            vertx,
            clock,
            stage::nextDeadline,
            () -> {
              send(stage.expire());
              deadline.reschedule();
            });
    Future<Void> registrations =
        stage.followsRegistrations()
            ? vertx
                .eventBus()
                .localConsumer(Addresses.ZK_CHANGES, message -> registered(message.body()))
                .completion()
            : Future.succeededFuture();
    Future<Void> transitions =
        vertx
            .eventBus()
            .localConsumer(
                from,
                message -> {
                  Object body = message.body();
                  if (body instanceof Alert alert) {
                    send(stage.apply(alert));
                  } else if (body instanceof Reconciliation reconciliation) {
                    vertx.eventBus().send(to, stage.reconcile(reconciliation), LOCAL);
                  }
                  deadline.reschedule();
                })
            .completion();
    return Future.all(registrations, transitions);
  }

  private void registered(Object body) {
    if (body instanceof WatchSnapshot snapshot) {
      send(stage.registrations(RegisteredGroup.of(snapshot.agents())));
    } else if (body instanceof NodeChange change && change.kind() == NodeChange.Kind.AGENT) {
      send(
          stage.registration(
              change.agentId(),
              change.after() == null ? null : RegisteredGroup.of(change.after())));
    } else {
      return;
    }
    deadline.reschedule();
  }

  private void send(List<Alert> alerts) {
    for (Alert alert : alerts) {
      vertx.eventBus().send(to, alert, LOCAL);
    }
  }
}
