package io.flumesentinel.alert;

import static io.flumesentinel.testing.TestAlerts.firing;
import static io.flumesentinel.testing.TestAlerts.resolved;
import static org.assertj.core.api.Assertions.assertThat;

import io.flumesentinel.config.GroupingConfig;
import io.flumesentinel.config.RouteConfig;
import io.flumesentinel.event.Alert;
import io.flumesentinel.event.Delivered;
import io.flumesentinel.testing.MutableClock;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The ledger's decisions about acknowledged alerts, with an injected clock: no reminders while
 * acknowledged, reminders again once the acknowledgement goes, the resolved notice as usual, and
 * the acknowledgement removed with its incident or when it holds for nothing.
 */
class LedgerAcknowledgementTest {

  private static final Duration REPEAT = Duration.ofHours(1);
  private static final List<String> RECEIVERS = List.of("ops");
  private static final Router ROUTER =
      Router.of(
          RouteConfig.root(
              RECEIVERS,
              new GroupingConfig(List.of("alertname"), Duration.ZERO, REPEAT),
              List.of()),
          RECEIVERS);

  private final MutableClock clock = new MutableClock(Instant.parse("2026-01-01T00:00:00Z"));

  /** Fingerprint → incident start: what the acknowledgement index holds. */
  private final Map<String, Instant> acks = new HashMap<>();

  private final Ledger ledger =
      new Ledger(
          RECEIVERS,
          ROUTER,
          labels -> List.of(),
          new Ledger.Acknowledgements() {
            @Override
            public boolean acknowledged(Alert alert) {
              return alert.startsAt().equals(acks.get(alert.fingerprint()));
            }

            @Override
            public Map<String, Instant> known() {
              return Map.copyOf(acks);
            }
          },
          clock);

  private void told(Alert alert) {
    assertThat(ledger.transition(alert).notices()).hasSize(1);
    ledger.delivered(new Delivered("ops", List.of(alert)));
  }

  @Test
  void anAcknowledgedAlertIsNotRemindedUntilTheAcknowledgementGoes() {
    Alert x = firing("x");
    Alert y = firing("y");
    told(x);
    told(y);
    acks.put(x.fingerprint(), x.startsAt());
    assertThat(ledger.acknowledgementsChanged().ackRemovals()).isEmpty();

    clock.advance(REPEAT);
    LedgerEffects due = ledger.remind();
    assertThat(due.notices()).extracting(d -> d.notice().alert().agent()).containsExactly("y");
    ledger.delivered(new Delivered("ops", List.of(y)));

    clock.advance(REPEAT.multipliedBy(3));
    assertThat(ledger.remind().notices())
        .extracting(d -> d.notice().alert().agent())
        .containsExactly("y");

    acks.clear();
    assertThat(ledger.acknowledgementsChanged().notices())
        .extracting(d -> d.notice().alert().agent())
        .containsExactly("x");
  }

  @Test
  void theResolvedNoticeGoesOutAndTheAcknowledgementIsRemovedWithItsIncident() {
    Alert x = firing("x");
    told(x);
    acks.put(x.fingerprint(), x.startsAt());

    LedgerEffects resolution = ledger.transition(resolved(x));

    assertThat(resolution.notices())
        .extracting(d -> d.notice().alert().status())
        .containsExactly(Alert.Status.RESOLVED);
    assertThat(resolution.ackRemovals())
        .containsExactly(new LedgerEffects.AckRemoval(x.fingerprint(), x.startsAt()));
  }

  @Test
  void anAcknowledgementThatHoldsForNoFiringAlertIsRemoved() {
    Alert x = firing("x");
    told(x);
    Instant earlier = x.startsAt().minus(Duration.ofDays(1));
    acks.put(x.fingerprint(), earlier);
    acks.put("0123456789abcdef", x.startsAt());

    assertThat(ledger.acknowledgementsChanged().ackRemovals())
        .containsExactlyInAnyOrder(
            new LedgerEffects.AckRemoval(x.fingerprint(), earlier),
            new LedgerEffects.AckRemoval("0123456789abcdef", x.startsAt()));
    // An acknowledgement of another incident does not hold its reminders.
    clock.advance(REPEAT);
    assertThat(ledger.remind().notices()).hasSize(1);
  }
}
