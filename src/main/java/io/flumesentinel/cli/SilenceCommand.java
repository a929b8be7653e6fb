package io.flumesentinel.cli;

import io.flumesentinel.protocol.ZkLayout;
import io.flumesentinel.silence.InvalidSilence;
import io.flumesentinel.silence.Matcher;
import io.flumesentinel.silence.Silence;
import io.flumesentinel.silence.SilenceRules;
import io.flumesentinel.silence.SilenceStore;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Callable;
import org.apache.curator.x.async.AsyncCuratorFramework;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code flume-sentinel silence add|list|expire}: silences in ZooKeeper, as amtool manages them in
 * Alertmanager. Every monitor of the same root sees a change within moments. Exit status 0 on
 * success, 2 for bad input (one line naming it), 1 when ZooKeeper could not be reached (one line
 * naming the ensemble, after the connection timeout) or a silence to expire does not exist or has
 * already expired. Results go to stdout, everything else to stderr.
 */
@Command(
    name = "silence",
    mixinStandardHelpOptions = true,
    versionProvider = ManifestVersion.class,
    usageHelpAutoWidth = true,
    subcommands = {
      SilenceCommand.Add.class,
      SilenceCommand.ListSilences.class,
      SilenceCommand.Expire.class
    },
    description =
        "Adds, lists and expires silences: muted alerts are recorded and shown, not sent.")
public final class SilenceCommand implements Runnable {

  @Spec private CommandSpec spec;

  @Override
  public void run() {
    throw new ParameterException(
        spec.commandLine(),
        "a command is required: " + String.join(", ", spec.subcommands().keySet()));
  }

  /** The environment variable naming the {@code --zk-auth} file when the option is not given. */
  static final String ZK_AUTH_ENV = "FLUME_SENTINEL_ZK_AUTH";

  /**
   * {@code --max-duration}: the rules of the monitors, which refuse a longer silence when they read
   * it, so that a silence is refused when it is added rather than silently ignored later.
   */
  static final class RulesOption {

    @Option(
        names = "--max-duration",
        paramLabel = "DURATION",
        converter = DurationConverter.class,
        description =
            "The longest a silence may last: the monitors' silences.maxDuration (default 30d).")
    Duration maxDuration = SilenceRules.DEFAULT_MAX_DURATION;

    SilenceRules rules(CommandSpec spec) {
      if (maxDuration.isZero() || maxDuration.isNegative()) {
        throw new ParameterException(spec.commandLine(), "--max-duration must be more than 0");
      }
      return new SilenceRules(maxDuration);
    }
  }

  /**
   * {@code --zk}, {@code --root}, {@code --zk-tls-config} and {@code --zk-auth}, and a connected
   * client for one command.
   */
  static final class ZkOptions {

    @Option(
        names = "--zk",
        paramLabel = "CONNECT",
        required = true,
        description = "ZooKeeper connect string.")
    String connect;

    @Option(
        names = "--root",
        paramLabel = "PATH",
        description = "Root znode (default ${DEFAULT-VALUE}).")
    String root = ZkLayout.DEFAULT_ROOT;

    @Mixin ZkTlsOption tls = new ZkTlsOption();

    @Option(
        names = "--zk-auth",
        paramLabel = "FILE",
        defaultValue = "${env:" + ZK_AUTH_ENV + "}",
        description =
            "ZooKeeper authentication and ACLs: a YAML file with the keys auth and acl (see"
                + " docs/security.md); default $"
                + ZK_AUTH_ENV
                + ". Passwords stay in the files it names.")
    Path auth;

    ZkLayout layout(CommandSpec spec) {
      try {
        return new ZkLayout(root);
      } catch (IllegalArgumentException e) {
        throw new ParameterException(spec.commandLine(), "--root: " + e.getMessage());
      }
    }

    CommandZooKeeper connect(ZkLayout layout) throws InterruptedException {
      return CommandZooKeeper.connect(connect, tls.load(), CommandZooKeeper.access(auth), layout);
    }
  }

  @Command(
      name = "add",
      mixinStandardHelpOptions = true,
      versionProvider = ManifestVersion.class,
      sortOptions = false,
      usageHelpAutoWidth = true,
      description = {
        "Adds a silence and prints its id. Alerts whose labels satisfy every MATCHER are not sent"
            + " while it is active.",
        "MATCHER is label=value, label!=value, label=~regex or label!~regex (regexes match the"
            + " whole value), e.g. group=ingest 'host=~flume-0[1-4]'."
      })
  static final class Add implements Callable<Integer> {

    @Spec private CommandSpec spec;
    @Mixin private ZkOptions zk;
    @Mixin private RulesOption rules;

    @Parameters(arity = "1..*", paramLabel = "MATCHER", description = "What to silence.")
    private List<String> matchers;

    @Option(
        names = {"-d", "--duration"},
        paramLabel = "DURATION",
        converter = DurationConverter.class,
        description = "How long, from the start: 90m, 2h, 1d12h, 1w (default 1h without --end).")
    private Duration duration;

    @Option(
        names = {"-e", "--end"},
        paramLabel = "TIME",
        description = "When it ends, ISO-8601 (2026-11-22T18:00:00Z); instead of --duration.")
    private String end;

    @Option(
        names = {"-s", "--start"},
        paramLabel = "TIME",
        description = "When it starts, ISO-8601 (default: now).")
    private String start;

    @Option(
        names = {"-a", "--author"},
        paramLabel = "NAME",
        description = "Who adds it (default: $USER, else the login name).")
    private String author = defaultAuthor();

    @Option(
        names = {"-c", "--comment"},
        paramLabel = "TEXT",
        required = true,
        description = "Why (required), e.g. a ticket.")
    private String comment;

    @Override
    public Integer call() throws Exception {
      Instant now = Clock.systemUTC().instant().truncatedTo(ChronoUnit.MILLIS);
      List<Matcher> parsed = new ArrayList<>();
      for (String text : matchers) {
        try {
          parsed.add(Matcher.parse(text));
        } catch (IllegalArgumentException e) {
          throw new ParameterException(spec.commandLine(), "matcher " + e.getMessage());
        }
      }
      if (duration != null && end != null) {
        throw new ParameterException(
            spec.commandLine(), "--duration and --end exclude each other: give one");
      }
      Instant startsAt = start == null ? now : instant("--start", start);
      Instant endsAt =
          end != null
              ? instant("--end", end)
              : startsAt.plus(duration == null ? Duration.ofHours(1) : positive(duration));
      if (author == null || author.isBlank()) {
        throw new ParameterException(
            spec.commandLine(), "--author is required: no user name is known here");
      }
      Silence silence;
      try {
        silence = Silence.create(parsed, startsAt, endsAt, author, comment, now, rules.rules(spec));
      } catch (IllegalArgumentException e) {
        throw new ParameterException(spec.commandLine(), e.getMessage());
      }
      ZkLayout layout = zk.layout(spec);
      try (CommandZooKeeper client = zk.connect(layout)) {
        client.await(
            new SilenceStore(AsyncCuratorFramework.wrap(client.client()), layout).add(silence));
      }
      PrintWriter out = spec.commandLine().getOut();
      out.println(silence.id());
      out.flush();
      return 0;
    }

    private static String defaultAuthor() {
      String user = System.getenv("USER");
      return user == null || user.isBlank() ? System.getProperty("user.name") : user;
    }

    private Instant instant(String option, String text) {
      try {
        return Instant.parse(text);
      } catch (DateTimeParseException e) {
        try {
          return OffsetDateTime.parse(text).toInstant();
        } catch (DateTimeParseException again) {
          throw new ParameterException(
              spec.commandLine(),
              option + ": '" + text + "' is not an ISO-8601 time such as 2026-11-22T18:00:00Z");
        }
      }
    }

    private Duration positive(Duration duration) {
      if (duration.isZero()) {
        throw new ParameterException(spec.commandLine(), "--duration must be more than 0");
      }
      return duration;
    }
  }

  @Command(
      name = "list",
      mixinStandardHelpOptions = true,
      versionProvider = ManifestVersion.class,
      sortOptions = false,
      usageHelpAutoWidth = true,
      description =
          "Lists the active and pending silences (with --expired: those that ended, kept 5 days).")
  static final class ListSilences implements Callable<Integer> {

    @Spec private CommandSpec spec;
    @Mixin private ZkOptions zk;
    @Mixin private RulesOption rules;

    @Option(names = "--expired", description = "Show the expired silences instead.")
    private boolean expired;

    @Option(names = "--json", description = "One JSON array, as GET /api/silences answers.")
    private boolean json;

    @Option(
        names = {"-q", "--quiet"},
        description = "Only the ids, one a line.")
    private boolean quiet;

    @Override
    public Integer call() throws Exception {
      ZkLayout layout = zk.layout(spec);
      SilenceStore.Listing listing;
      try (CommandZooKeeper client = zk.connect(layout)) {
        listing =
            client.await(
                new SilenceStore(
                        AsyncCuratorFramework.wrap(client.client()), layout, rules.rules(spec))
                    .list());
      }
      PrintWriter err = spec.commandLine().getErr();
      listing.unreadable().forEach(problem -> err.println("flume-sentinel: ignoring " + problem));
      Instant now = Clock.systemUTC().instant();
      List<Silence> shown =
          listing.index().all(now).stream()
              .filter(s -> (s.state(now) == Silence.State.EXPIRED) == expired)
              .toList();
      // Refused silences are listed with the others of their time (current, or ended), last.
      List<InvalidSilence> invalid =
          listing.index().invalid().stream()
              .filter(i -> (i.silence().state(now) == Silence.State.EXPIRED) == expired)
              .toList();
      invalid.forEach(
          i ->
              err.println(
                  "flume-sentinel: silence "
                      + i.silence().id()
                      + " is invalid and mutes nothing: "
                      + printable(i.problem())));
      err.flush();
      PrintWriter out = spec.commandLine().getOut();
      if (json) {
        JsonArray array = new JsonArray();
        shown.forEach(
            s ->
                array.add(
                    s.toJson().put("status", new JsonObject().put("state", s.state(now).wire()))));
        invalid.forEach(
            i ->
                array.add(
                    i.silence()
                        .toJson()
                        .put(
                            "status",
                            new JsonObject()
                                .put("state", InvalidSilence.STATE)
                                .put("problem", i.problem()))));
        out.println(array.encodePrettily());
      } else if (quiet) {
        shown.forEach(s -> out.println(s.id()));
        invalid.forEach(i -> out.println(i.silence().id()));
      } else {
        table(shown, invalid, now).forEach(out::println);
      }
      out.flush();
      return 0;
    }

    static List<String> table(List<Silence> silences, Instant now) {
      return table(silences, List.of(), now);
    }

    static List<String> table(List<Silence> silences, List<InvalidSilence> invalid, Instant now) {
      List<String[]> rows = new ArrayList<>();
      rows.add(
          new String[] {
            "ID", "STATE", "MATCHERS", "STARTS AT", "ENDS AT", "CREATED BY", "COMMENT"
          });
      for (Silence s : silences) {
        rows.add(row(s, s.state(now).wire()));
      }
      for (InvalidSilence i : invalid) {
        rows.add(row(i.silence(), InvalidSilence.STATE));
      }
      // Every cell is shown on a terminal: whoever can write a silence to ZooKeeper must not be
      // able to move the cursor or recolour it, so control characters become visible escapes.
      return TextTable.lines(rows, 0);
    }

    private static String[] row(Silence s, String state) {
      return new String[] {
        s.id(),
        state,
        s.matchersText(),
        time(s.startsAt()),
        time(s.endsAt()),
        s.createdBy(),
        s.comment().replaceAll("\\s*\\R\\s*", " ")
      };
    }

    /** {@code text} with each control character written as {@code \\uXXXX}. */
    static String printable(String text) {
      return TextTable.printable(text);
    }

    private static String time(Instant at) {
      return at.truncatedTo(ChronoUnit.SECONDS).toString();
    }
  }

  @Command(
      name = "expire",
      mixinStandardHelpOptions = true,
      versionProvider = ManifestVersion.class,
      sortOptions = false,
      usageHelpAutoWidth = true,
      description = "Ends silences now; what they muted and still fires is sent at once.")
  static final class Expire implements Callable<Integer> {

    @Spec private CommandSpec spec;
    @Mixin private ZkOptions zk;

    @Parameters(arity = "1..*", paramLabel = "ID", description = "Silence ids, as list shows.")
    private List<String> ids;

    @Override
    public Integer call() throws Exception {
      for (String id : ids) {
        if (Silence.idProblem(id) != null) {
          throw new ParameterException(spec.commandLine(), Silence.idProblem(id));
        }
      }
      ZkLayout layout = zk.layout(spec);
      PrintWriter out = spec.commandLine().getOut();
      PrintWriter err = spec.commandLine().getErr();
      int status = 0;
      try (CommandZooKeeper client = zk.connect(layout)) {
        SilenceStore store = new SilenceStore(AsyncCuratorFramework.wrap(client.client()), layout);
        for (String id : ids) {
          try {
            Optional<Silence> expired = client.await(store.expire(id, Clock.systemUTC().instant()));
            if (expired.isPresent()) {
              out.println("flume-sentinel: silence " + id + " expired");
            } else {
              err.println("flume-sentinel: no silence " + id + " under " + layout.root());
              status = 1;
            }
          } catch (IllegalStateException | IllegalArgumentException e) {
            err.println("flume-sentinel: " + e.getMessage());
            status = 1;
          }
        }
      }
      out.flush();
      err.flush();
      return status;
    }
  }
}
