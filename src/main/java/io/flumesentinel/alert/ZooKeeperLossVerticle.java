package io.flumesentinel.alert;

import io.flumesentinel.event.Addresses;
import io.flumesentinel.event.Alert;
import io.flumesentinel.event.ConnectionChange;
import io.flumesentinel.silence.SilenceIndex;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Tells the receivers when the monitor itself has lost ZooKeeper, and when it has it back.
 *
 * <p>While the monitor's connection is down, every agent's state is unknown: the classifier holds
 * its decisions until the connection is back and then decides from what ZooKeeper holds, so a cut
 * does not turn into a flood of agent alerts. What operators must learn instead is that nobody is
 * watching. So once the connection has been unusable for {@code after} (the session timeout: past
 * it, ZooKeeper has expired the monitor's session), or as soon as Curator reports the session lost,
 * one {@value #ALERTNAME} alert fires; it resolves when the connection is usable again. A monitor
 * that cannot reach ZooKeeper from its start ({@link ConnectionChange.State#NOT_YET_CONNECTED})
 * fires it the same way, once that has lasted {@code after}.
 *
 * <p>It goes straight to the receivers its route names, not through the {@link
 * AlertLedgerVerticle}: the ledger is kept in ZooKeeper, which is exactly what is missing. The
 * price: a monitor restarted during the outage does not remember having sent it (it sends it again
 * if the outage lasts). It is also published on {@link Addresses#ALERTS} and logged, like every
 * alert.
 */
public final class ZooKeeperLossVerticle extends VerticleBase {

  public static final String ALERTNAME = "FlumeSentinelZooKeeperLost";

  private final String monitorName;
  private final String zkConnect;
  private final Duration after;
  private final Router router;
  private final SilenceIndex silences;
  private final Clock clock;

  /** When the connection became unusable, or {@code null} while it is usable. */
  private Instant unusableSince;

  /**
   * The first state of the current outage: {@link ConnectionChange.State#NOT_YET_CONNECTED} when
   * ZooKeeper has not been reached since start-up.
   */
  private ConnectionChange.State outage;

  private long timer = -1;

  /** The firing alert, and the receivers it went to, while it fires. */
  private Alert firing;

  private List<String> notified = List.of();

  /** The silences that muted the firing alert (then nobody was notified). */
  private List<String> silencedBy = List.of();

  /**
   * @param monitorName this monitor instance, as operators know it (its host name)
   * @param zkConnect the connect string, for the alert's text
   * @param after how long the connection may be unusable before the alert fires
   * @param silences what is muted: a silenced loss is published and logged, not sent
   */
  public ZooKeeperLossVerticle(
      String monitorName,
      String zkConnect,
      Duration after,
      Router router,
      SilenceIndex silences,
      Clock clock) {
    this.monitorName = monitorName;
    this.zkConnect = zkConnect;
    this.after = after;
    this.router = router;
    this.silences = silences;
    this.clock = clock;
  }

  @Override
  public Future<?> start() {
    return vertx
        .eventBus()
        .<ConnectionChange>localConsumer(Addresses.ZK_CONNECTION, m -> changed(m.body().state()))
        .completion();
  }

  private void changed(ConnectionChange.State state) {
    if (state.usable()) {
      // Reached at last, or reached again.
      String resolution =
          outage == ConnectionChange.State.NOT_YET_CONNECTED ? "CONNECTED" : "RECONNECTED";
      unusableSince = null;
      outage = null;
      vertx.cancelTimer(timer);
      timer = -1;
      if (firing != null) {
        resolve(resolution);
      }
      return;
    }
    if (unusableSince == null) {
      unusableSince = clock.instant();
      outage = state;
      timer = vertx.setTimer(Math.max(1, after.toMillis()), id -> fire());
    }
    if (state == ConnectionChange.State.LOST) {
      fire();
    }
  }

  private void fire() {
    vertx.cancelTimer(timer);
    timer = -1;
    if (firing != null || unusableSince == null) {
      return;
    }
    TreeMap<String, String> labels = new TreeMap<>();
    labels.put(Alert.ALERTNAME, ALERTNAME);
    labels.put(Alert.MONITOR, monitorName);
    labels.put("severity", "critical");
    TreeMap<String, String> annotations = new TreeMap<>();
    annotations.put("reason", "ZOOKEEPER_LOST");
    annotations.put(
        "summary",
        outage == ConnectionChange.State.NOT_YET_CONNECTED
            ? "Flume Sentinel on " + monitorName + " cannot reach ZooKeeper (" + zkConnect + ")"
            : "Flume Sentinel on "
                + monitorName
                + " lost its ZooKeeper connection ("
                + zkConnect
                + ")");
    annotations.put(
        "description",
        "Agent state is unknown while the connection is down: agent alerts are held, and decided"
            + " from what ZooKeeper holds once it is back.");
    firing = new Alert(Alert.Status.FIRING, labels, annotations, unusableSince, null, "");
    // Planned ZooKeeper maintenance is silenced like any alert; the silences are the last ones
    // read, since ZooKeeper cannot be asked now.
    silencedBy = silences.silencedBy(labels);
    notified = silencedBy.isEmpty() ? router.receivers(labels) : List.of();
    send(firing);
  }

  private void resolve(String resolution) {
    Alert resolved = firing.resolve(clock.instant(), Map.of("resolution", resolution));
    firing = null;
    send(resolved);
    notified = List.of();
    silencedBy = List.of();
  }

  private void send(Alert alert) {
    AlertPublication.publish(vertx.eventBus(), alert, silencedBy);
    // The resolved notice goes to whoever was handed the firing one, grouped as the routes say now.
    notified.forEach(receiver -> router.dispatch(alert, receiver).send(vertx.eventBus()));
  }
}
