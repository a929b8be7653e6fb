package io.flumesentinel.monitor;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.vertx.core.Future;
import io.vertx.core.Promise;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.junit.jupiter.api.Test;

/** A rehearsal's wait for a deployment outlasts an interrupt, and reports it once it has ended. */
class DeploymentWaitTest {

  @Test
  void anInterruptedWaitEndsWithTheDeploymentThenSaysItWasInterrupted() throws Exception {
    Promise<String> deploying = Promise.promise();
    CompletableFuture<Throwable> waited = new CompletableFuture<>();
    Thread waiting =
        new Thread(
            () -> {
              try {
                DeploymentWait.untilDeployed(deploying.future(), Duration.ofSeconds(30));
                waited.complete(null);
              } catch (Exception e) {
                waited.complete(e);
              }
            });
    waiting.start();
    await()
        .atMost(Duration.ofSeconds(10))
        .until(() -> waiting.getState() == Thread.State.TIMED_WAITING);
    waiting.interrupt();

    // still waiting for the deployment
    assertThat(waited).isNotDone();
    await()
        .atMost(Duration.ofSeconds(10))
        .until(() -> waiting.getState() == Thread.State.TIMED_WAITING);
    assertThat(waited).isNotDone();

    deploying.complete("deployment-id");
    assertThat(waited.get(10, TimeUnit.SECONDS)).isInstanceOf(InterruptedException.class);
  }

  @Test
  void anUninterruptedWaitReturnsTheDeploymentOrItsFailure() throws Exception {
    assertThat(DeploymentWait.untilDeployed(Future.succeededFuture("id"), Duration.ofSeconds(1)))
        .isEqualTo("id");
    assertThatThrownBy(
            () ->
                DeploymentWait.untilDeployed(
                    Future.failedFuture(new IllegalStateException("port taken")),
                    Duration.ofSeconds(1)))
        .isInstanceOf(IllegalStateException.class)
        .hasMessage("port taken");
    assertThatThrownBy(
            () -> DeploymentWait.untilDeployed(Promise.promise().future(), Duration.ofMillis(50)))
        .isInstanceOf(TimeoutException.class);
  }
}
