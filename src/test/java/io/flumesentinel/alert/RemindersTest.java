package io.flumesentinel.alert;

import static io.flumesentinel.testing.TestAlerts.firing;
import static io.flumesentinel.testing.TestAlerts.resolved;
import static org.assertj.core.api.Assertions.assertThat;

import io.flumesentinel.config.GroupingConfig;
import io.flumesentinel.config.RouteConfig;
import io.flumesentinel.event.Alert;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Which reminders are due, decided from the ledger's entries and the routes alone. */
class RemindersTest {

  private static final Instant T = Instant.parse("2026-01-01T12:00:00Z");

  /** "a" every hour for agent "x", everything to "b" every 4 hours (continue). */
  private static final Router ROUTER =
      Router.of(
          RouteConfig.root(
              List.of("b"),
              List.of(
                  new RouteConfig(
                      Map.of("agent", "x"),
                      Map.of(),
                      List.of("a"),
                      true,
                      List.of(),
                      new GroupingConfig(List.of("agent"), Duration.ZERO, Duration.ofHours(1))),
                  new RouteConfig(Map.of(), Map.of(), List.of("b"), false, List.of()))),
          List.of("a", "b"));

  @Test
  void dueOncePerReceiverIntervalAndTheNextIsTheEarliestPending() {
    LedgerEntry x = told(firing("x"), "a", T.minus(Duration.ofHours(1)));
    told(x, "b", T.minus(Duration.ofHours(3)));

    Reminders.Due due = Reminders.due(List.of(x), ROUTER, T);

    assertThat(due.now()).extracting(r -> r.dispatch().receiver()).containsExactly("a");
    assertThat(due.now().get(0).dispatch().notice().alert()).isEqualTo(x.alert);
    assertThat(due.next()).isEqualTo(T.plus(Duration.ofHours(1)));
  }

  @Test
  void nothingIsDueForAResolvedAlertAReceiverNotToldOrOneBeingTold() {
    LedgerEntry over = told(resolved(firing("x")), "a", T.minus(Duration.ofDays(1)));
    LedgerEntry untold = new LedgerEntry(firing("y"));
    LedgerEntry beingTold = told(firing("z"), "b", T.minus(Duration.ofDays(1)));
    beingTold.dispatched.add("b");

    Reminders.Due due = Reminders.due(List.of(over, untold, beingTold), ROUTER, T);

    assertThat(due.now()).isEmpty();
    assertThat(due.next()).isNull();
  }

  @Test
  void anAcknowledgedAlertIsNeitherDueNorPending() {
    LedgerEntry x = told(firing("x"), "a", T.minus(Duration.ofHours(2)));
    LedgerEntry z = told(firing("z"), "b", T.minus(Duration.ofHours(1)));

    Reminders.Due due = Reminders.due(List.of(x, z), ROUTER, alert -> alert.agent().equals("x"), T);

    assertThat(due.now()).isEmpty();
    assertThat(due.next()).isEqualTo(T.plus(Duration.ofHours(3)));
  }

  @Test
  void aReceiverTheRoutesNoLongerNameIsNotReminded() {
    LedgerEntry y = told(firing("y"), "a", T.minus(Duration.ofDays(1)));

    assertThat(Reminders.due(List.of(y), ROUTER, T).now()).isEmpty();
  }

  private static LedgerEntry told(Alert alert, String receiver, Instant at) {
    return told(new LedgerEntry(alert), receiver, at);
  }

  private static LedgerEntry told(LedgerEntry entry, String receiver, Instant at) {
    entry.sent.put(receiver, LedgerEntry.FIRING);
    entry.notifiedAt.put(receiver, at);
    return entry;
  }
}
