package io.flumesentinel.monitor;

import io.vertx.core.Future;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * How a rehearsal's thread waits for a deployment on a Vert.x of the rehearsal's own: to its end,
 * even when the monitor's stop interrupts the thread meanwhile, and only then with the interrupt.
 *
 * <p>Why: an interrupted wait made the rehearsal close its Vert.x at once, with a verticle still
 * deploying. Closing a Vert.x fails the start of a deploying verticle, and when that start then
 * ended, Vert.x completed it a second time and logged "Unhandled exception: Promise already
 * completed" with its stack trace, among the last lines of a monitor stopped right after it became
 * ready. A deployment takes milliseconds; the stop waits for them.
 */
final class DeploymentWait {

  private DeploymentWait() {}

  /**
   * The deployment's result once it has ended, within {@code within}.
   *
   * @throws InterruptedException when the thread was interrupted while it waited, once the
   *     deployment has ended (the caller then closes its Vert.x with nothing deploying)
   * @throws TimeoutException when the deployment has not ended within {@code within}
   * @throws Exception the deployment's failure
   */
  static <T> T untilDeployed(Future<T> deployment, Duration within) throws Exception {
    CompletableFuture<T> ended = deployment.toCompletionStage().toCompletableFuture();
    long deadline = System.nanoTime() + within.toNanos();
    boolean interrupted = false;
    T result;
    while (true) {
      try {
        result = ended.get(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
        break;
      } catch (InterruptedException e) {
        interrupted = true;
      } catch (ExecutionException | TimeoutException e) {
        if (interrupted) {
          Thread.currentThread().interrupt(); // the caller's next wait stops
        }
        throw e instanceof ExecutionException && e.getCause() instanceof Exception cause
            ? cause
            : e;
      }
    }
    if (interrupted) {
      throw new InterruptedException("interrupted while a rehearsal deployed");
    }
    return result;
  }
}
