package io.flumesentinel.chaos;

import io.flumesentinel.protocol.ZkLayout;
import io.flumesentinel.testing.WebhookReceiver;
import io.flumesentinel.testing.ZooKeeperProcess;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.apache.curator.framework.CuratorFramework;

/**
 * The steps the handover and restart scenarios share: an alert delivered and recorded, then, once
 * another monitor process has taken over, no second sending of it and exactly one alert for the
 * next crash.
 */
final class Resends {

  private Resends() {}

  /**
   * The monitors' configuration. A short {@code classifier.startTimeout}: a monitor that took over
   * and re-derived the dead agent as not running would alert it within the quiet period that is
   * watched, not a minute later.
   */
  static ChaosMonitor.Config config(
      ZooKeeperProcess zooKeeper, ZkLayout layout, WebhookReceiver receiver, Duration session) {
    return ChaosMonitor.Config.of(zooKeeper.connectString(), layout.root(), receiver.url())
        .sessionTimeout(session)
        .with("classifier: { startTimeout: 1s }");
  }

  /** Waits (30 s at most) until exactly one of {@code monitors} says it is active. */
  static ChaosMonitor awaitActive(List<ChaosMonitor> monitors) {
    ChaosMonitor[] found = new ChaosMonitor[1];
    Waits.until(
        "exactly one monitor active",
        Duration.ofSeconds(30),
        () -> {
          List<ChaosMonitor> active = new ArrayList<>();
          for (ChaosMonitor monitor : monitors) {
            if ("active".equals(monitor.role())) {
              active.add(monitor);
            }
          }
          found[0] = active.size() == 1 ? active.get(0) : null;
          return found[0] != null;
        });
    return found[0];
  }

  /**
   * Kills the process holding {@code agent}'s session and waits until its alert has been delivered
   * once and the ledger has recorded the delivery.
   */
  static void deliverSessionLoss(
      ChaosReport report,
      CuratorFramework client,
      ZkLayout layout,
      WebhookReceiver receiver,
      HeldAgent held,
      String agent)
      throws Exception {
    held.kill();
    report.millis(
        "firstAlert",
        Waits.until(
            agent + " alerted after its host died",
            Duration.ofSeconds(30),
            () -> Waits.firing(receiver, agent) == 1));
    Waits.until(
        agent + "'s delivery recorded under " + layout.alerts(),
        Duration.ofSeconds(10),
        () -> LedgerView.recordedFiring(client, layout, agent));
  }

  /**
   * Checks that {@code delivered} is not alerted again for {@code quiet}, then crashes {@code next}
   * and checks it is alerted exactly once.
   */
  static void checkNoResendThenNextOnce(
      ChaosReport report,
      CuratorFramework client,
      ZkLayout layout,
      WebhookReceiver receiver,
      Duration quiet)
      throws Exception {
    try {
      Waits.holds(
          "the delivered alert sent once", quiet, () -> Waits.firing(receiver, "delivered") == 1);
    } finally {
      report.figure("deliveredSent", Waits.firing(receiver, "delivered"));
    }
    ChaosFleet.crash(client, layout, "next");
    try {
      report.millis(
          "nextAlert",
          Waits.until(
              "the next crash alerted",
              Duration.ofSeconds(15),
              () -> Waits.firing(receiver, "next") >= 1));
      Waits.holds(
          "the next crash alerted once and the delivered alert not again",
          Duration.ofSeconds(3),
          () -> Waits.firing(receiver, "next") == 1 && Waits.firing(receiver, "delivered") == 1);
    } finally {
      report.figure("nextSent", Waits.firing(receiver, "next"));
      report.figure("deliveredSent", Waits.firing(receiver, "delivered"));
    }
  }
}
