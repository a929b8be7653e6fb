package io.flumesentinel.monitor;

import static org.assertj.core.api.Assertions.assertThat;

import io.flumesentinel.alert.Router;
import io.flumesentinel.classify.AgentAlerts;
import io.flumesentinel.classify.ClassifierRehearsal;
import io.flumesentinel.config.ClassifierConfig;
import io.flumesentinel.config.FlappingConfig;
import io.flumesentinel.config.GroupDegradedConfig;
import io.flumesentinel.config.HostDownConfig;
import io.flumesentinel.event.Alert;
import io.flumesentinel.notify.DeliveryOutcome;
import io.vertx.core.Vertx;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/**
 * The start-up rehearsal plays the paths a real storm takes: crashes and lost sessions, decided by
 * the classifier, through the shaping and the ledger to every receiver.
 */
class StormRehearsalTest {

  @Test
  void theMadeUpLossesAreDecidedAsHalfCrashesAndHalfLostSessions() {
    List<Alert> down =
        ClassifierRehearsal.loseAll(
            ClassifierConfig.defaults(), new AgentAlerts("http://monitor:8080"), 1_000);

    Map<String, Long> byReason =
        down.stream()
            .collect(Collectors.groupingBy(a -> a.annotation("reason"), Collectors.counting()));
    assertThat(byReason).containsOnly(Map.entry("CRASHED", 500L), Map.entry("SESSION_LOST", 500L));
    assertThat(down).allMatch(Alert::firing);
    assertThat(down.stream().map(Alert::agent).distinct()).hasSize(1_000);
  }

  @Test
  void theWebhookRequestGoesToItsOwnServerOnTheLoopbackAndIsAccepted() throws Exception {
    Vertx vertx = Vertx.vertx();
    try {
      DeliveryOutcome outcome = rehearsal(List.of("ops")).post(vertx);

      assertThat(outcome.verdict()).isEqualTo(DeliveryOutcome.Verdict.DELIVERED);
    } finally {
      vertx.close().await(10, TimeUnit.SECONDS);
    }
  }

  private static StormRehearsal rehearsal(List<String> receivers) {
    return new StormRehearsal(
        ClassifierConfig.defaults(),
        FlappingConfig.defaults(),
        GroupDegradedConfig.defaults(),
        HostDownConfig.defaults(),
        receivers,
        Router.of(null, receivers),
        () -> "http://monitor:8080");
  }

  @Test
  void everyRoundGoesThroughTheLedgerToEveryReceiver() throws Exception {
    List<String> receivers = List.of("ops", "chat");
    StormRehearsal rehearsal =
        new StormRehearsal(
            ClassifierConfig.defaults(),
            FlappingConfig.defaults(),
            GroupDegradedConfig.defaults(),
            HostDownConfig.defaults(),
            receivers,
            Router.of(null, receivers),
            () -> "http://monitor:8080");

    assertThat(rehearsal.play()).isEqualTo(StormRehearsal.ROUNDS * StormRehearsal.AGENTS);
  }
}
