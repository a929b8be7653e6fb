package io.flumesentinel.cli;

import io.flumesentinel.ack.Ack;
import io.flumesentinel.ack.AckStore;
import io.flumesentinel.alert.LedgerRecord;
import io.flumesentinel.event.Alert;
import io.flumesentinel.event.NodeData;
import io.flumesentinel.protocol.UntrustedText;
import io.flumesentinel.protocol.ZkLayout;
import io.vertx.core.json.JsonArray;
import java.io.PrintWriter;
import java.time.Clock;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import org.apache.curator.x.async.AsyncCuratorFramework;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code flume-sentinel ack <fingerprint|agent-id>}: takes firing alerts in hand, so that their
 * reminders stop until they resolve; {@code --remove} gives them back, {@code ack list} shows them.
 * Written to {@code <root>/acks} in ZooKeeper, which every monitor of the root watches; the monitor
 * removes an acknowledgement when its alert resolves. Exit status 0 on success, 2 for bad input, 1
 * when ZooKeeper could not be reached or nothing matched (one line on stderr).
 */
@Command(
    name = "ack",
    mixinStandardHelpOptions = true,
    versionProvider = ManifestVersion.class,
    sortOptions = false,
    usageHelpAutoWidth = true,
    description = {
      "Acknowledges firing alerts: no more reminders until they resolve; their resolved notice"
          + " still goes out. TARGET is an alert's fingerprint (as alerts --json and /api/alerts"
          + " show it) or an agent id (every alert firing for that agent).",
      "ack list shows the acknowledgements (an agent named list is acknowledged by its alerts'"
          + " fingerprints)."
    })
public final class AckCommand implements Callable<Integer> {

  @Spec private CommandSpec spec;
  @Mixin private SilenceCommand.ZkOptions zk;

  @Parameters(
      arity = "1",
      paramLabel = "TARGET",
      description = "An alert fingerprint, an agent id, or list.")
  private String target;

  @Option(
      names = {"-b", "--by"},
      paramLabel = "NAME",
      description = "Who acknowledges (default: $USER, else the login name).")
  private String by = defaultUser();

  @Option(
      names = {"-c", "--comment"},
      paramLabel = "TEXT",
      description = "What is being done, e.g. a ticket.")
  private String comment = "";

  @Option(names = "--remove", description = "Removes the acknowledgement instead.")
  private boolean remove;

  @Option(
      names = "--json",
      description =
          "With list: one JSON array of fingerprint, by, comment, at, startsAt, alertname, agent.")
  private boolean json;

  @Override
  public Integer call() throws Exception {
    ZkLayout layout = zk.layout(spec);
    if ("list".equals(target)) {
      return list(layout);
    }
    if (!remove && (by == null || by.isBlank())) {
      throw new picocli.CommandLine.ParameterException(
          spec.commandLine(), "--by is required: no user name is known here");
    }
    PrintWriter out = spec.commandLine().getOut();
    PrintWriter err = spec.commandLine().getErr();
    int status = 0;
    try (CommandZooKeeper client = zk.connect(layout)) {
      Map<String, NodeData> ledger =
          ChildrenSnapshot.read(client, List.of(layout.alerts())).get(layout.alerts());
      List<Alert> targets = targets(firing(ledger), target);
      if (targets.isEmpty()) {
        err.println(
            "flume-sentinel: no alert fires with fingerprint or for agent "
                + shown(target)
                + " under "
                + layout.root());
        err.flush();
        return 1;
      }
      AckStore store = new AckStore(AsyncCuratorFramework.wrap(client.client()), layout);
      Instant now = Clock.systemUTC().instant().truncatedTo(ChronoUnit.MILLIS);
      for (Alert alert : targets) {
        String what =
            alert.alertname() + " of " + shown(alert.subject()) + " (" + alert.fingerprint() + ")";
        if (remove) {
          if (client.await(store.remove(alert.fingerprint()))) {
            out.println("flume-sentinel: " + what + " is no longer acknowledged");
          } else {
            err.println("flume-sentinel: " + what + " was not acknowledged");
            status = 1;
          }
        } else {
          client.await(store.put(new Ack(alert.fingerprint(), alert.startsAt(), by, comment, now)));
          out.println("flume-sentinel: acknowledged " + what);
        }
      }
    }
    out.flush();
    err.flush();
    return status;
  }

  /** The alert of fingerprint {@code target}, else every alert firing for agent {@code target}. */
  static List<Alert> targets(List<Alert> firing, String target) {
    List<Alert> byFingerprint =
        firing.stream().filter(a -> a.fingerprint().equals(target)).toList();
    if (!byFingerprint.isEmpty()) {
      return byFingerprint;
    }
    return firing.stream().filter(a -> target.equals(a.agent())).toList();
  }

  /** The firing alerts among the ledger's records, by name and subject; unreadable ones skipped. */
  static List<Alert> firing(Map<String, NodeData> ledger) {
    List<Alert> firing = new ArrayList<>();
    ledger.forEach(
        (key, data) -> {
          try {
            Alert alert = LedgerRecord.parse(data.data()).alert();
            if (alert.firing()) {
              firing.add(alert);
            }
          } catch (RuntimeException unreadable) {
            // not an alert anyone can acknowledge
          }
        });
    firing.sort(Comparator.comparing(Alert::alertname).thenComparing(Alert::subject));
    return firing;
  }

  private static String defaultUser() {
    String user = System.getenv("USER");
    return user == null || user.isBlank() ? System.getProperty("user.name") : user;
  }

  private static String shown(String text) {
    return UntrustedText.cut(
        TextTable.printable(String.valueOf(text)), UntrustedText.MAX_VALUE_CHARS);
  }

  /** {@code ack list}: every acknowledgement, with the firing alert it holds for. */
  private int list(ZkLayout layout) throws Exception {
    Map<String, Map<String, NodeData>> read;
    try (CommandZooKeeper client = zk.connect(layout)) {
      read = ChildrenSnapshot.read(client, List.of(layout.acks(), layout.alerts()));
    }
    AckStore.Listing listing = AckStore.listing(layout, read.get(layout.acks()), AckCommand::shown);
    Map<String, Alert> firing = new HashMap<>();
    firing(read.get(layout.alerts())).forEach(a -> firing.put(a.fingerprint(), a));
    PrintWriter err = spec.commandLine().getErr();
    listing.unreadable().forEach(problem -> err.println("flume-sentinel: ignoring " + problem));
    err.flush();
    List<Ack> acks = new ArrayList<>(listing.acks().all());
    acks.sort(Comparator.comparing(Ack::at).thenComparing(Ack::fingerprint));
    PrintWriter out = spec.commandLine().getOut();
    if (json) {
      JsonArray array = new JsonArray();
      for (Ack ack : acks) {
        Alert alert = holdsFor(ack, firing);
        array.add(
            ack.toJson()
                .put("fingerprint", ack.fingerprint())
                .put("alertname", alert == null ? null : alert.alertname())
                .put("agent", alert == null ? null : alert.subject()));
      }
      out.println(array.encodePrettily());
    } else {
      List<String[]> rows = new ArrayList<>();
      rows.add(new String[] {"FINGERPRINT", "ALERTNAME", "AGENT", "BY", "AT", "COMMENT"});
      for (Ack ack : acks) {
        Alert alert = holdsFor(ack, firing);
        rows.add(
            new String[] {
              ack.fingerprint(),
              alert == null ? "-" : alert.alertname(),
              alert == null ? "-" : alert.subject(),
              ack.by(),
              ack.at().truncatedTo(ChronoUnit.SECONDS).toString(),
              ack.comment().isEmpty() ? "-" : ack.comment()
            });
      }
      TextTable.lines(rows, UntrustedText.MAX_VALUE_CHARS).forEach(out::println);
    }
    out.flush();
    return 0;
  }

  /** The firing alert {@code ack} holds for, or {@code null} (its incident is over). */
  private static Alert holdsFor(Ack ack, Map<String, Alert> firing) {
    Alert alert = firing.get(ack.fingerprint());
    return alert != null && alert.startsAt().equals(ack.startsAt()) ? alert : null;
  }
}
