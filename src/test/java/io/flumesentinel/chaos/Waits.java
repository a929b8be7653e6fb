package io.flumesentinel.chaos;

import static org.awaitility.Awaitility.await;

import io.flumesentinel.testing.WebhookReceiver;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.awaitility.core.ConditionTimeoutException;

/**
 * Bounded waits of the chaos scenarios, failing with a sentence that says what did not happen: the
 * scenario's report line shows it.
 */
final class Waits {

  private static final Duration POLL = Duration.ofMillis(20);

  private Waits() {}

  /**
   * Waits until {@code condition} holds, at most {@code atMost}; returns the milliseconds it took.
   *
   * @throws AssertionError saying {@code what} did not happen in time
   */
  static double until(String what, Duration atMost, Callable<Boolean> condition) {
    long started = System.nanoTime();
    try {
      await().atMost(atMost).pollDelay(Duration.ZERO).pollInterval(POLL).until(condition);
    } catch (ConditionTimeoutException e) {
      throw new AssertionError("not " + what + " (waited " + atMost.toMillis() + " ms)", e);
    }
    return (System.nanoTime() - started) / 1e6;
  }

  /**
   * Checks that {@code condition} holds now and keeps holding for {@code during}.
   *
   * @throws AssertionError saying {@code what} stopped holding
   */
  static void holds(String what, Duration during, Callable<Boolean> condition) {
    try {
      await()
          .during(during)
          .atMost(during.plusSeconds(2))
          .pollDelay(Duration.ZERO)
          .pollInterval(POLL)
          .until(condition);
    } catch (ConditionTimeoutException e) {
      throw new AssertionError("not " + what + " throughout " + during.toMillis() + " ms", e);
    }
  }

  /** How many firing alerts for {@code agent} the receiver recorded. */
  static long firing(WebhookReceiver receiver, String agent) {
    return receiver.alertsFor(agent).stream().filter(a -> a.status().equals("firing")).count();
  }

  /** How many firing alerts named {@code alertname} the receiver recorded. */
  static long firingNamed(WebhookReceiver receiver, String alertname) {
    return receiver.alerts().stream()
        .filter(a -> a.status().equals("firing"))
        .filter(a -> alertname.equals(a.alert().getJsonObject("labels").getString("alertname")))
        .count();
  }

  /**
   * Waits until a firing alert for each of {@code agents} has arrived, at most {@code atMost}.
   *
   * @throws AssertionError saying how many arrived in time
   */
  static WebhookReceiver.Arrivals allFiring(
      WebhookReceiver receiver, List<String> agents, Duration atMost)
      throws InterruptedException, ExecutionException {
    try {
      return receiver.allFiring(agents).get(atMost.toMillis(), TimeUnit.MILLISECONDS);
    } catch (TimeoutException e) {
      long arrived = agents.stream().filter(agent -> receiver.firing(agent).isDone()).count();
      throw new AssertionError(
          "only "
              + arrived
              + " of "
              + agents.size()
              + " agents' alerts delivered within "
              + atMost.toMillis()
              + " ms");
    }
  }
}
