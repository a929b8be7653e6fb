package io.flumesentinel.alert;

import static org.assertj.core.api.Assertions.assertThat;

import io.flumesentinel.testing.TestAlerts;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The firing alerts by name, followed record change by record change as the ledger writes. */
class FiringAlertsTest {

  private final FiringAlerts firing = new FiringAlerts();

  @Test
  void followsTheRecordsTheLedgerLoadsWritesAndDeletes() {
    firing.load(
        List.of(
            record(TestAlerts.firing("a1")), record(TestAlerts.resolved(TestAlerts.firing("a2")))));
    assertThat(firing.byAlertname()).containsExactly(Map.entry(TestAlerts.ALERTNAME, 1));

    firing.changed(new LedgerEffects.RecordChange.Write(record(TestAlerts.firing("a3"))));
    firing.changed(new LedgerEffects.RecordChange.Write(record(TestAlerts.firing("a3"))));
    assertThat(firing.byAlertname()).containsExactly(Map.entry(TestAlerts.ALERTNAME, 2));

    firing.changed(
        new LedgerEffects.RecordChange.Write(record(TestAlerts.resolved(TestAlerts.firing("a1")))));
    assertThat(firing.byAlertname()).containsExactly(Map.entry(TestAlerts.ALERTNAME, 1));

    firing.changed(new LedgerEffects.RecordChange.Delete(TestAlerts.firing("a3").key()));
    assertThat(firing.byAlertname()).isEmpty();
  }

  private static LedgerRecord record(io.flumesentinel.event.Alert alert) {
    return new LedgerRecord(alert, Map.of(), Map.of());
  }
}
