package io.flumesentinel.cli;

import io.flumesentinel.ack.Ack;
import io.flumesentinel.ack.AckStore;
import io.flumesentinel.ack.Acks;
import io.flumesentinel.alert.LedgerRecord;
import io.flumesentinel.event.Alert;
import io.flumesentinel.event.NodeData;
import io.flumesentinel.protocol.UntrustedText;
import io.flumesentinel.protocol.ZkLayout;
import io.flumesentinel.silence.SilenceStore;
import io.flumesentinel.silence.Silences;
import io.vertx.core.json.JsonArray;
import java.io.PrintWriter;
import java.time.Clock;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.Callable;
import org.apache.curator.x.async.AsyncCuratorFramework;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code flume-sentinel alerts}: the alerts firing in the ledger ({@code <root>/alerts}), read
 * straight from ZooKeeper, with the silences that mute each one now, judged by the same rules as
 * {@code silence list}. Exit status 0, 2 for bad input, 1 when ZooKeeper could not be reached (one
 * line on stderr, stdout empty).
 */
@Command(
    name = "alerts",
    mixinStandardHelpOptions = true,
    versionProvider = ManifestVersion.class,
    sortOptions = false,
    usageHelpAutoWidth = true,
    description =
        "Lists the firing alerts of the ledger in ZooKeeper: alert name, agent, reason, since"
            + " when, and the silences muting it. No monitor needed.")
public final class AlertsCommand implements Callable<Integer> {

  private static final Comparator<Alert> ORDER =
      Comparator.comparing(Alert::alertname)
          .thenComparing(Alert::subject)
          .thenComparing(Alert::startsAt);

  /**
   * A firing alert, the ids of the silences muting it now, and who acknowledged it ({@code null}:
   * nobody).
   */
  record Firing(Alert alert, List<String> silencedBy, Ack acknowledgedBy) {}

  @Spec private CommandSpec spec;
  @Mixin private SilenceCommand.ZkOptions zk;
  @Mixin private SilenceCommand.RulesOption rules;

  @Option(
      names = "--json",
      description =
          "One JSON array of alerts in the webhook's form plus silencedBy, as GET /api/alerts"
              + " shows firing ones.")
  private boolean json;

  @Override
  public Integer call() throws Exception {
    ZkLayout layout = zk.layout(spec);
    Map<String, NodeData> ledger;
    Acks acks;
    SilenceStore.Listing silences;
    try (CommandZooKeeper client = zk.connect(layout)) {
      Map<String, Map<String, NodeData>> read =
          ChildrenSnapshot.read(client, List.of(layout.alerts(), layout.acks()));
      ledger = read.get(layout.alerts());
      acks = AckStore.listing(layout, read.get(layout.acks()), text -> text).acks();
      silences =
          client.await(
              new SilenceStore(
                      AsyncCuratorFramework.wrap(client.client()), layout, rules.rules(spec))
                  .list());
    }
    List<String> problems = new ArrayList<>();
    List<Firing> firing =
        firing(ledger, silences.index(), acks, Clock.systemUTC().instant(), problems);
    PrintWriter err = spec.commandLine().getErr();
    problems.forEach(problem -> err.println("flume-sentinel: " + problem));
    err.flush();
    PrintWriter out = spec.commandLine().getOut();
    if (json) {
      JsonArray array = new JsonArray();
      firing.forEach(
          f ->
              array.add(
                  f.alert()
                      .toJson()
                      .put("silencedBy", new JsonArray(f.silencedBy()))
                      .put(
                          "acknowledgedBy",
                          f.acknowledgedBy() == null ? null : f.acknowledgedBy().shown())));
      out.println(array.encodePrettily());
    } else {
      table(firing).forEach(out::println);
    }
    out.flush();
    return 0;
  }

  /**
   * The firing alerts among the ledger's records, by name and subject; a record that cannot be read
   * adds a line to {@code problems}.
   */
  static List<Firing> firing(
      Map<String, NodeData> ledger,
      Silences silences,
      Acks acks,
      Instant now,
      List<String> problems) {
    List<Alert> alerts = new ArrayList<>();
    new TreeMap<>(ledger)
        .forEach(
            (key, data) -> {
              try {
                Alert alert = LedgerRecord.parse(data.data()).alert();
                if (alert.firing()) {
                  alerts.add(alert);
                }
              } catch (RuntimeException e) {
                problems.add(
                    "ignoring the unreadable alert record "
                        + UntrustedText.cut(
                            TextTable.printable(key), UntrustedText.MAX_VALUE_CHARS));
              }
            });
    alerts.sort(ORDER);
    return alerts.stream()
        .map(a -> new Firing(a, silences.silencedBy(a.labels(), now), acks.of(a).orElse(null)))
        .toList();
  }

  /** The alerts as a table, a header first. */
  static List<String> table(List<Firing> firing) {
    List<String[]> rows = new ArrayList<>(firing.size() + 1);
    rows.add(
        new String[] {"ALERTNAME", "AGENT", "REASON", "SINCE", "SILENCED BY", "ACKNOWLEDGED BY"});
    for (Firing f : firing) {
      Alert a = f.alert();
      String reason = a.annotation("reason");
      rows.add(
          new String[] {
            a.alertname(),
            a.subject(),
            reason == null ? "-" : reason,
            a.startsAt().truncatedTo(ChronoUnit.SECONDS).toString(),
            f.silencedBy().isEmpty() ? "-" : String.join(",", f.silencedBy()),
            f.acknowledgedBy() == null ? "-" : f.acknowledgedBy().by()
          });
    }
    return TextTable.lines(rows, UntrustedText.MAX_VALUE_CHARS);
  }
}
