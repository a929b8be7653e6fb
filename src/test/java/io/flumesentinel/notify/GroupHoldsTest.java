package io.flumesentinel.notify;

import static org.assertj.core.api.Assertions.assertThat;

import io.flumesentinel.event.Alert;
import io.flumesentinel.event.AlertGroup;
import io.flumesentinel.event.Notice;
import io.flumesentinel.testing.TestAlerts;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Which groups wait, and until when, with the time given as arguments. */
class GroupHoldsTest {

  private static final Instant T0 = Instant.parse("2026-11-22T10:00:00Z");
  private static final AlertGroup WAITING =
      AlertGroup.of("{}", Map.of("host", "a"), Duration.ofSeconds(1), Duration.ofSeconds(5));
  private static final AlertGroup AT_ONCE =
      AlertGroup.of("{}", Map.of("host", "b"), Duration.ZERO, Duration.ZERO);

  private final GroupHolds holds = new GroupHolds();

  @Test
  void theFirstFiringAlertOfANewGroupHoldsItForItsGroupWaitOnly() {
    holds.arrived(new Notice(TestAlerts.firing("a1"), WAITING), T0);
    holds.arrived(new Notice(TestAlerts.firing("a2"), WAITING), T0.plusMillis(900));

    assertThat(holds.held(T0.plusMillis(999))).containsExactly(WAITING.key());
    assertThat(holds.nextRelease(T0.plusMillis(999))).contains(T0.plusSeconds(1));
    assertThat(holds.held(T0.plusSeconds(1))).isEmpty();
    assertThat(holds.nextRelease(T0.plusSeconds(1))).isEmpty();
  }

  @Test
  void zeroDurationsHoldNothing() {
    holds.arrived(new Notice(TestAlerts.firing("b1"), AT_ONCE), T0);
    holds.sent(AT_ONCE, T0);

    assertThat(holds.held(T0)).isEmpty();
  }

  @Test
  void aSendHoldsItsGroupForItsGroupIntervalFromTheSendsStart() {
    holds.sent(WAITING, T0.plusSeconds(1));

    assertThat(holds.nextRelease(T0.plusSeconds(1))).contains(T0.plusSeconds(6));
    assertThat(holds.held(T0.plusSeconds(6))).isEmpty();
  }

  @Test
  void aHoldIsNeverExtendedByAnotherHoldOfItsGroup() {
    holds.arrived(new Notice(TestAlerts.firing("a1"), WAITING), T0);
    holds.sent(WAITING, T0.plusMillis(500));

    assertThat(holds.nextRelease(T0.plusMillis(500))).contains(T0.plusSeconds(1));
  }

  @Test
  void aGroupWhoseAlertsAllResolvedIsNewAgain() {
    Alert a1 = TestAlerts.firing("a1");
    holds.arrived(new Notice(a1, WAITING), T0);
    holds.arrived(new Notice(TestAlerts.firing("a2"), WAITING), T0);
    holds.arrived(new Notice(TestAlerts.resolved(a1), WAITING), T0.plusSeconds(2));

    holds.arrived(new Notice(TestAlerts.firing("a3"), WAITING), T0.plusSeconds(3));
    assertThat(holds.held(T0.plusSeconds(3))).as("a2 still fires").isEmpty();

    holds.arrived(
        new Notice(TestAlerts.resolved(TestAlerts.firing("a2")), WAITING), T0.plusSeconds(3));
    holds.arrived(
        new Notice(TestAlerts.resolved(TestAlerts.firing("a3")), WAITING), T0.plusSeconds(3));
    holds.arrived(new Notice(TestAlerts.firing("a4"), WAITING), T0.plusSeconds(4));
    assertThat(holds.nextRelease(T0.plusSeconds(4))).contains(T0.plusSeconds(5));
  }
}
