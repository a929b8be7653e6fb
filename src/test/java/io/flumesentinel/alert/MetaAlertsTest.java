package io.flumesentinel.alert;

import static org.assertj.core.api.Assertions.assertThat;

import io.flumesentinel.config.WatchdogConfig;
import io.flumesentinel.event.ReceiverHealth;
import io.flumesentinel.testing.MutableClock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The decisions of the Watchdog and of {@code FlumeSentinelReceiverFailing}, step by step on an
 * injected clock: each row is an input (or the passing of time) and what is sent, as {@code
 * receiver: status alertname [receiver label]}.
 */
class MetaAlertsTest {

  private static final Instant T0 = Instant.parse("2026-11-30T10:00:00Z");

  private final MutableClock clock = new MutableClock(T0);

  private MetaAlerts meta(WatchdogConfig watchdog) {
    return new MetaAlerts(
        watchdog,
        Map.of(
            "ops", new MetaAlerts.FailureRule("pager", Duration.ofMinutes(5)),
            "chat", new MetaAlerts.FailureRule("pager", Duration.ofMinutes(1))),
        "mon-1",
        "http://mon-1:8080",
        clock);
  }

  private static List<String> sent(List<MetaAlerts.Send> sends) {
    List<String> lines = new ArrayList<>();
    for (MetaAlerts.Send send : sends) {
      String receiver = send.alert().labels().get("receiver");
      lines.add(
          send.receiver()
              + ": "
              + send.alert().status().wire()
              + " "
              + send.alert().alertname()
              + (receiver == null ? "" : " " + receiver));
    }
    return lines;
  }

  private static ReceiverHealth failing(String receiver) {
    return new ReceiverHealth(receiver, ReceiverHealth.State.FAILING, "http://x/hook: HTTP 503");
  }

  private static ReceiverHealth accepting(String receiver) {
    return new ReceiverHealth(receiver, ReceiverHealth.State.ACCEPTING, "");
  }

  @Test
  void theWatchdogGoesOutAtStartThenEveryIntervalAndAlwaysFires() {
    MetaAlerts meta = meta(new WatchdogConfig(true, Duration.ofMinutes(1), "deadman"));
    assertThat(sent(meta.started())).containsExactly("deadman: firing Watchdog");
    assertThat(meta.nextDeadline()).isEqualTo(T0.plus(Duration.ofMinutes(1)));

    clock.advance(Duration.ofSeconds(59));
    assertThat(meta.expire()).isEmpty();
    clock.advance(Duration.ofSeconds(1));
    List<MetaAlerts.Send> again = meta.expire();
    assertThat(sent(again)).containsExactly("deadman: firing Watchdog");
    assertThat(again.get(0).alert().labels())
        .containsEntry("severity", "none")
        .containsEntry("monitor", "mon-1");
    assertThat(again.get(0).alert().startsAt()).isEqualTo(T0);
    assertThat(again.get(0).alert().generatorUrl()).isEqualTo("http://mon-1:8080");
    assertThat(meta.nextDeadline()).isEqualTo(T0.plus(Duration.ofMinutes(2)));
  }

  @Test
  void aDisabledWatchdogSendsNothing() {
    MetaAlerts meta = meta(WatchdogConfig.disabled());
    assertThat(meta.started()).isEmpty();
    assertThat(meta.nextDeadline()).isNull();
  }

  @Test
  void aReceiverFailingForItsDelayIsReportedToItsFallbackAndResolvedWhenItAcceptsAgain() {
    MetaAlerts meta = meta(WatchdogConfig.disabled());
    meta.started();
    record Step(Duration after, ReceiverHealth health, List<String> sent) {}
    List<Step> steps =
        List.of(
            new Step(Duration.ZERO, failing("ops"), List.of()),
            new Step(Duration.ofMinutes(4), failing("ops"), List.of()),
            new Step(Duration.ofSeconds(59), null, List.of()),
            new Step(
                Duration.ofSeconds(1),
                null,
                List.of("pager: firing FlumeSentinelReceiverFailing ops")),
            new Step(Duration.ofMinutes(10), null, List.of()),
            new Step(
                Duration.ofSeconds(30),
                accepting("ops"),
                List.of("pager: resolved FlumeSentinelReceiverFailing ops")),
            new Step(Duration.ofSeconds(1), accepting("ops"), List.of()));
    for (Step step : steps) {
      clock.advance(step.after());
      List<MetaAlerts.Send> sends =
          step.health() == null ? meta.expire() : meta.receiverHealth(step.health());
      assertThat(sent(sends)).as("after %s", step).isEqualTo(step.sent());
    }
  }

  @Test
  void aReceiverThatRecoversBeforeItsDelayIsNeverReported() {
    MetaAlerts meta = meta(WatchdogConfig.disabled());
    assertThat(meta.receiverHealth(failing("chat"))).isEmpty();
    assertThat(meta.nextDeadline()).isEqualTo(T0.plus(Duration.ofMinutes(1)));
    clock.advance(Duration.ofSeconds(30));
    assertThat(meta.receiverHealth(accepting("chat"))).isEmpty();
    assertThat(meta.nextDeadline()).isNull();
    clock.advance(Duration.ofMinutes(5));
    assertThat(meta.expire()).isEmpty();
  }

  @Test
  void aReceiverWithoutFallbackIsNotWatched() {
    MetaAlerts meta = meta(WatchdogConfig.disabled());
    assertThat(meta.receiverHealth(failing("pager"))).isEmpty();
    assertThat(meta.nextDeadline()).isNull();
  }

  @Test
  void theFiringAlertSaysWhichReceiverSinceWhenAndWhyAndTheResolvedOneAfterHowLong() {
    MetaAlerts meta = meta(WatchdogConfig.disabled());
    meta.receiverHealth(failing("chat"));
    clock.advance(Duration.ofMinutes(1));
    MetaAlerts.Send firing = meta.expire().get(0);
    assertThat(firing.alert().startsAt()).isEqualTo(T0);
    assertThat(firing.alert().annotations())
        .containsEntry("error", "http://x/hook: HTTP 503")
        .containsEntry("failingSince", T0.toString())
        .containsEntry(
            "summary",
            "Receiver chat of Flume Sentinel on mon-1 has failed for 1 min 0 s: alerts for it are"
                + " not delivered");
    clock.advance(Duration.ofSeconds(5));
    MetaAlerts.Send resolved = meta.receiverHealth(accepting("chat")).get(0);
    assertThat(resolved.alert().annotations())
        .containsEntry("resolution", "RECOVERED")
        .containsEntry(
            "summary",
            "Receiver chat of Flume Sentinel on mon-1 accepts alerts again after failing for 1 min"
                + " 5 s");
  }

  @Test
  void twoReceiversFailingAtTheSameInstantAreTwoIncidentsAtTheFallback() {
    MetaAlerts meta = meta(WatchdogConfig.disabled());
    meta.receiverHealth(failing("ops"));
    meta.receiverHealth(failing("chat"));
    clock.advance(Duration.ofMinutes(5));
    List<MetaAlerts.Send> sends = meta.expire();
    assertThat(sends).hasSize(2);
    assertThat(sends.get(0).alert().startsAt()).isNotEqualTo(sends.get(1).alert().startsAt());
  }
}
