package io.flumesentinel.alert;

import static io.flumesentinel.alert.LedgerScript.ALL_TO_B;
import static io.flumesentinel.alert.LedgerScript.ack;
import static io.flumesentinel.alert.LedgerScript.derive;
import static io.flumesentinel.alert.LedgerScript.expire;
import static io.flumesentinel.alert.LedgerScript.fire;
import static io.flumesentinel.alert.LedgerScript.reconcile;
import static io.flumesentinel.alert.LedgerScript.rederive;
import static io.flumesentinel.alert.LedgerScript.resolve;
import static io.flumesentinel.alert.LedgerScript.restart;
import static io.flumesentinel.alert.LedgerScript.silence;
import static io.flumesentinel.alert.LedgerScript.storeWithoutTimes;
import static io.flumesentinel.alert.LedgerScript.tick;
import static io.flumesentinel.alert.LedgerScript.update;
import static org.assertj.core.api.Assertions.assertThat;

import io.flumesentinel.alert.LedgerScript.Step;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The ledger's decisions, table-driven on an injected clock: given earlier inputs, one input at a
 * time → the notices, publications, record changes and the next reminder it answers. Receivers "a"
 * (ingest, every hour) and "b" (everything, every 4 hours); see {@link LedgerScript}.
 */
class LedgerTest {

  /** i1 fired at 0 s and both receivers acknowledged it at 1 s. */
  private static List<Step> told() {
    return List.of(fire(0, "i1"), ack(1, "a", "i1"), ack(1, "b", "i1"));
  }

  private static List<Step> told(Step... more) {
    List<Step> all = new ArrayList<>(told());
    all.addAll(List.of(more));
    return all;
  }

  /** i1 went down for {@code reason} at 0 s and both receivers acknowledged it at 1 s. */
  private static List<Step> toldDown(String reason, Step... more) {
    List<Step> all =
        new ArrayList<>(List.of(derive(0, "i1", reason), ack(1, "a", "i1"), ack(1, "b", "i1")));
    all.addAll(List.of(more));
    return all;
  }

  static Stream<Arguments> rows() {
    return Stream.of(
        // Routing and deduplication
        row(
            "a firing alert goes to every receiver its routes name",
            List.of(),
            fire(0, "i1"),
            "notify a firing i1",
            "notify b firing i1",
            "publish firing i1",
            "write i1"),
        row(
            "an alert of another group goes only where its route says",
            List.of(),
            fire(0, "w1"),
            "notify b firing w1",
            "publish firing w1",
            "write w1"),
        row(
            "the same firing alert again is sent to nobody and not published again",
            List.of(fire(0, "i1")),
            fire(5, "i1")),
        row("nor once it was acknowledged", told(), fire(5, "i1")),
        row(
            "an acknowledgement is recorded and starts that receiver's repeat interval",
            List.of(fire(0, "i1")),
            ack(1, "a", "i1"),
            "write i1 a=firing@+1s",
            "remind by +3601s"),
        row(
            "the same incident saying something new goes out again to every receiver",
            told(),
            update(30, "i1"),
            "notify a firing i1",
            "notify b firing i1",
            "publish firing i1",
            "write i1 a=firing@+1s b=firing@+1s"),
        // Resolved notices
        row(
            "the resolved notice goes to every receiver that acknowledged the firing",
            told(),
            resolve(60, "i1"),
            "notify a resolved i1",
            "notify b resolved i1",
            "publish resolved i1 resolution=RECOVERED endsAt=+60s",
            "write i1 a=firing@+1s b=firing@+1s"),
        row(
            "and to one handed the firing that has not acknowledged it yet",
            List.of(fire(0, "w1")),
            resolve(60, "w1"),
            "notify b resolved w1",
            "publish resolved w1 resolution=RECOVERED endsAt=+60s",
            "write w1"),
        row(
            "and to one told of the firing that the routes no longer name",
            told(
                restart(10, ALL_TO_B, "restart, all to b"), reconcile(10, List.of("i1"), Set.of())),
            resolve(60, "i1"),
            "notify a resolved i1",
            "notify b resolved i1",
            "publish resolved i1 resolution=RECOVERED endsAt=+60s",
            "write i1 a=firing@+1s b=firing@+1s"),
        row(
            "an acknowledged resolved notice is recorded while another is owed",
            told(resolve(60, "i1")),
            ack(61, "a", "i1"),
            "write i1 a=resolved@+1s b=firing@+1s"),
        row(
            "the incident is forgotten once nobody is owed anything",
            told(resolve(60, "i1"), ack(61, "a", "i1")),
            ack(62, "b", "i1"),
            "delete i1"),
        // Silences
        row(
            "a silenced firing alert is recorded and published with its silences, sent to nobody",
            List.of(silence(0, "s1", "group=ingest")),
            fire(10, "i1"),
            "publish firing i1 silencedBy=s1",
            "write i1"),
        row(
            "a silence that does not match mutes nothing",
            List.of(silence(0, "s1", "group=ingest")),
            fire(10, "w1"),
            "notify b firing w1",
            "publish firing w1",
            "write w1"),
        row(
            "when its silence ends, the muted alert goes out then and is published again",
            List.of(silence(0, "s1", "group=ingest"), fire(10, "i1")),
            expire(20, "s1"),
            "notify a firing i1",
            "notify b firing i1",
            "publish firing i1"),
        row(
            "a silence that starts on a firing alert publishes it with the silence, sends nothing",
            told(),
            silence(10, "s1", "group=ingest"),
            "publish firing i1 silencedBy=s1"),
        row(
            "a resolved notice is never muted",
            told(silence(10, "s1", "group=ingest")),
            resolve(60, "i1"),
            "notify a resolved i1",
            "notify b resolved i1",
            "publish resolved i1 resolution=RECOVERED endsAt=+60s silencedBy=s1",
            "write i1 a=firing@+1s b=firing@+1s"),
        row(
            "an incident wholly inside a silence is never sent, and forgotten when it ends",
            List.of(silence(0, "s1", "group=ingest"), fire(10, "i1")),
            resolve(60, "i1"),
            "publish resolved i1 resolution=RECOVERED endsAt=+60s silencedBy=s1",
            "delete i1"),
        // Repeats
        row(
            "nothing is repeated before its interval has passed",
            told(),
            tick(3600),
            "remind by +3601s"),
        row(
            "a repeat falls due the route's repeat interval after the acknowledgement",
            told(),
            tick(3601),
            "notify a firing i1",
            "remind by +14401s"),
        row(
            "a repeat is not handed again while it is being delivered",
            told(tick(3601)),
            tick(3700),
            "remind by +14401s"),
        row(
            "the repeat's acknowledgement starts the next interval",
            told(tick(3601)),
            ack(3602, "a", "i1"),
            "write i1 a=firing@+3602s b=firing@+1s",
            "remind by +7202s"),
        row(
            "nothing is repeated while silenced",
            told(silence(10, "s1", "group=ingest")),
            tick(18_000)),
        row(
            "when the silence ends, the repeats that fell due meanwhile go out",
            told(silence(10, "s1", "group=ingest")),
            expire(18_000, "s1"),
            "notify a firing i1",
            "notify b firing i1",
            "publish firing i1"),
        row("a resolved alert is not repeated", told(resolve(60, "i1")), tick(18_000)),
        // Restarts
        row(
            "after a restart an acknowledged alert is not sent again, nor repeated early",
            told(restart(60)),
            reconcile(60, List.of("i1"), Set.of()),
            "remind by +3601s"),
        row(
            "after a restart a firing alert nobody acknowledged is sent",
            List.of(fire(0, "i1"), restart(60)),
            reconcile(60, List.of("i1"), Set.of()),
            "notify a firing i1",
            "notify b firing i1"),
        row(
            "after a restart a firing alert goes only to the receivers that did not acknowledge it",
            List.of(fire(0, "i1"), ack(1, "a", "i1"), restart(60)),
            reconcile(60, List.of("i1"), Set.of()),
            "notify b firing i1",
            "remind by +3601s"),
        row(
            "an alert that ended while no monitor watched is resolved on the ledger's clock",
            told(restart(60)),
            reconcile(60, List.of(), Set.of("i1")),
            "notify a resolved i1",
            "notify b resolved i1",
            "publish resolved i1 resolution=RECOVERED endsAt=+60s",
            "write i1 a=firing@+1s b=firing@+1s"),
        row(
            "one whose agent does not run was stopped",
            told(restart(60)),
            reconcile(60, List.of(), Set.of()),
            "notify a resolved i1",
            "notify b resolved i1",
            "publish resolved i1 resolution=STOPPED endsAt=+60s",
            "write i1 a=firing@+1s b=firing@+1s"),
        row(
            "a resolved notice not acknowledged before the restart is sent again to that receiver",
            told(resolve(60, "i1"), ack(61, "a", "i1"), restart(70)),
            reconcile(70, List.of(), Set.of()),
            "notify b resolved i1",
            "write i1 a=resolved@+1s b=firing@+1s"),
        row(
            "records without acknowledgement times start the repeat intervals at load",
            told(storeWithoutTimes(50), restart(100)),
            reconcile(100, List.of("i1"), Set.of()),
            "remind by +3700s"),
        // Handovers and restarts: one incident, whichever monitor derives it and how
        row(
            "a takeover that derives an acknowledged SESSION_LOST as NOT_RUNNING sends nothing",
            toldDown("SESSION_LOST", restart(60), rederive(60, "i1", "NOT_RUNNING")),
            reconcile(60, List.of("i1"), Set.of()),
            "remind by +3601s"),
        row(
            "nor one that derives an acknowledged CRASHED as NOT_RUNNING",
            toldDown("CRASHED", restart(60), rederive(60, "i1", "NOT_RUNNING")),
            reconcile(60, List.of("i1"), Set.of()),
            "remind by +3601s"),
        row(
            "the same reason derived again on another clock is the same incident",
            toldDown("CRASHED", restart(60), rederive(60, "i1", "CRASHED")),
            reconcile(60, List.of("i1"), Set.of()),
            "remind by +3601s"),
        row(
            "a vaguer reason after the takeover changes nothing on record",
            toldDown("SESSION_LOST"),
            derive(30, "i1", "NOT_RUNNING")),
        row(
            "the vaguer derivation goes to a receiver that never had the incident, as recorded",
            List.of(
                derive(0, "i1", "SESSION_LOST"),
                ack(1, "a", "i1"),
                restart(60),
                rederive(60, "i1", "NOT_RUNNING")),
            reconcile(60, List.of("i1"), Set.of()),
            "notify b firing i1",
            "remind by +3601s"),
        row(
            "a refined reason is recorded and published as an update, and pages nobody again",
            toldDown("SESSION_LOST"),
            derive(30, "i1", "CRASHED"),
            "publish firing i1 reason=CRASHED",
            "write i1 a=firing@+1s b=firing@+1s"),
        row(
            "a refined reason goes only to the receivers that never had the incident",
            List.of(
                derive(0, "i1", "NOT_RUNNING"),
                ack(1, "a", "i1"),
                restart(60),
                rederive(60, "i1", "CRASHED")),
            reconcile(60, List.of("i1"), Set.of()),
            "notify b firing i1",
            "publish firing i1 reason=CRASHED",
            "write i1 a=firing@+1s",
            "remind by +3601s"),
        row(
            "the resolved notice after a vaguer takeover keeps the reason on record",
            toldDown(
                "SESSION_LOST",
                restart(60),
                rederive(60, "i1", "NOT_RUNNING"),
                reconcile(60, List.of("i1"), Set.of())),
            resolve(90, "i1"),
            "notify a resolved i1",
            "notify b resolved i1",
            "publish resolved i1 reason=SESSION_LOST resolution=RECOVERED endsAt=+90s",
            "write i1 a=firing@+1s b=firing@+1s"),
        row(
            "the same reason saying something new still goes to every receiver",
            toldDown("CRASHED"),
            update(30, "i1"),
            "notify a firing i1",
            "notify b firing i1",
            "publish firing i1",
            "write i1 a=firing@+1s b=firing@+1s"));
  }

  private static Arguments row(String name, List<Step> given, Step when, String... then) {
    return Arguments.of(name, given, when, List.of(then));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("rows")
  void decides(String name, List<Step> given, Step when, List<String> then) {
    assertThat(new LedgerScript().run(given, when)).as("%s then %s", given, when).isEqualTo(then);
  }
}
