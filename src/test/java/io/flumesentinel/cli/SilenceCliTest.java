package io.flumesentinel.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.flumesentinel.FlumeSentinel;
import io.flumesentinel.protocol.ZkLayout;
import io.flumesentinel.silence.Matcher;
import io.flumesentinel.silence.Silence;
import io.flumesentinel.testing.Zk;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.stream.Stream;
import org.apache.curator.framework.CuratorFramework;
import org.apache.curator.test.TestingServer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import picocli.CommandLine;

/** {@code silence add|list|expire} in-process, against a real ZooKeeper. */
class SilenceCliTest {

  private static final ZkLayout LAYOUT = ZkLayout.defaults();
  private static TestingServer server;

  private CuratorFramework client;
  private StringWriter out;
  private StringWriter err;

  @BeforeAll
  static void startZooKeeper() throws Exception {
    server = Zk.server();
  }

  @AfterAll
  static void stopZooKeeper() throws Exception {
    server.close();
  }

  @BeforeEach
  void setUp() {
    client = Zk.client(server.getConnectString(), Duration.ofSeconds(5));
  }

  @AfterEach
  void tearDown() throws Exception {
    if (client.checkExists().forPath(LAYOUT.root()) != null) {
      client.delete().deletingChildrenIfNeeded().forPath(LAYOUT.root());
    }
    client.close();
  }

  private int run(String... args) {
    out = new StringWriter();
    err = new StringWriter();
    CommandLine commandLine = FlumeSentinel.commandLine(config -> {});
    commandLine.setOut(new PrintWriter(out, true));
    commandLine.setErr(new PrintWriter(err, true));
    return commandLine.execute(args);
  }

  private int silence(String command, String... args) {
    String[] full = new String[args.length + 4];
    full[0] = "silence";
    full[1] = command;
    full[2] = "--zk";
    full[3] = server.getConnectString();
    System.arraycopy(args, 0, full, 4, args.length);
    return run(full);
  }

  private Silence stored(String id) throws Exception {
    return Silence.parse(id, client.getData().forPath(LAYOUT.silence(id)));
  }

  @Test
  void addWritesTheSilenceAndPrintsItsId() throws Exception {
    Instant before = Instant.now();

    int status =
        silence(
            "add",
            "group=ingest",
            "host=~flume-0[1-4]",
            "--duration",
            "2h",
            "--author",
            "alice",
            "--comment",
            "JIRA-42 disk swap");

    assertThat(status).as(err.toString()).isZero();
    String id = out.toString().strip();
    assertThat(id).matches("[0-9a-f-]{36}");
    Silence silence = stored(id);
    assertThat(silence.matchers())
        .containsExactly(Matcher.parse("group=ingest"), Matcher.parse("host=~flume-0[1-4]"));
    assertThat(silence.createdBy()).isEqualTo("alice");
    assertThat(silence.comment()).isEqualTo("JIRA-42 disk swap");
    assertThat(silence.startsAt()).isBetween(before.minusMillis(1), Instant.now());
    assertThat(Duration.between(silence.startsAt(), silence.endsAt()))
        .isEqualTo(Duration.ofHours(2));
  }

  @Test
  void addTakesAStartAndAnEndOrDefaultsToOneHour() throws Exception {
    assertThat(
            silence(
                "add",
                "agent=a1",
                "--start",
                "2099-01-01T10:00:00Z",
                "--end",
                "2099-01-01T12:30:00+02:00",
                "--comment",
                "later"))
        .isZero();
    Silence later = stored(out.toString().strip());
    assertThat(later.startsAt()).isEqualTo(Instant.parse("2099-01-01T10:00:00Z"));
    assertThat(later.endsAt()).isEqualTo(Instant.parse("2099-01-01T10:30:00Z"));
    assertThat(later.createdBy()).isNotBlank();

    assertThat(silence("add", "agent=a2", "--comment", "default length")).isZero();
    Silence now = stored(out.toString().strip());
    assertThat(Duration.between(now.startsAt(), now.endsAt())).isEqualTo(Duration.ofHours(1));
  }

  @Test
  void listShowsControlCharactersFromZooKeeperAsEscapes() throws Exception {
    silence("add", "group=ingest", "--author", "alice", "--comment", "maintenance");
    String id = out.toString().strip();
    // Whoever can write to ZooKeeper writes the silence node itself, terminal escapes included.
    JsonObject node = new JsonObject(new String(client.getData().forPath(LAYOUT.silence(id))));
    node.put("comment", "clear\u001b[2Jscreen");
    client.setData().forPath(LAYOUT.silence(id), node.encode().getBytes());

    assertThat(silence("list")).isZero();
    assertThat(out.toString()).doesNotContain("\u001b").contains("clear\\u001b[2Jscreen");
  }

  @Test
  void listShowsActiveAndPendingAsATableAndExpiredOnRequest() throws Exception {
    silence("add", "group=ingest", "--author", "alice", "--comment", "maintenance");
    String active = out.toString().strip();
    silence(
        "add",
        "group=web",
        "--start",
        "2099-01-01T00:00:00Z",
        "--duration",
        "1d",
        "--author",
        "bob",
        "--comment",
        "next year");
    String pending = out.toString().strip();
    silence("add", "agent=old", "--author", "carol", "--comment", "done");
    String expired = out.toString().strip();
    assertThat(silence("expire", expired)).isZero();
    assertThat(out.toString().strip()).isEqualTo("flume-sentinel: silence " + expired + " expired");

    assertThat(silence("list")).isZero();
    List<String> table = out.toString().lines().toList();
    assertThat(table).hasSize(3);
    assertThat(table.get(0))
        .matches("ID +STATE +MATCHERS +STARTS AT +ENDS AT +CREATED BY +COMMENT");
    assertThat(table.get(1).split(" {2,}"))
        .startsWith(active, "active", "group=\"ingest\"")
        .endsWith("alice", "maintenance");
    assertThat(table.get(2).split(" {2,}"))
        .containsExactly(
            pending,
            "pending",
            "group=\"web\"",
            "2099-01-01T00:00:00Z",
            "2099-01-02T00:00:00Z",
            "bob",
            "next year");
    // columns line up
    assertThat(table.get(1).indexOf("group")).isEqualTo(table.get(0).indexOf("MATCHERS"));

    assertThat(silence("list", "--expired", "-q")).isZero();
    assertThat(out.toString().lines()).containsExactly(expired);

    assertThat(silence("list", "--json")).isZero();
    JsonArray json = new JsonArray(out.toString());
    assertThat(json.stream().map(o -> ((JsonObject) o).getString("id")))
        .containsExactly(active, pending);
    assertThat(json.getJsonObject(0).getJsonObject("status").getString("state"))
        .isEqualTo("active");
    assertThat(json.getJsonObject(0).getJsonArray("matchers").getJsonObject(0))
        .isEqualTo(
            new JsonObject()
                .put("name", "group")
                .put("value", "ingest")
                .put("isRegex", false)
                .put("isEqual", true));
  }

  @Test
  void expireEndsASilenceOnceAndNamesWhatItCannotExpire() throws Exception {
    silence("add", "group=ingest", "--comment", "x");
    String id = out.toString().strip();

    assertThat(silence("expire", id)).isZero();
    Silence expired = stored(id);
    assertThat(expired.state(Instant.now())).isEqualTo(Silence.State.EXPIRED);

    assertThat(silence("expire", id, "0000-missing")).isEqualTo(1);
    assertThat(err.toString().lines())
        .containsExactly(
            "flume-sentinel: silence " + id + " already expired at " + expired.endsAt(),
            "flume-sentinel: no silence 0000-missing under /flume-sentinel");
    assertThat(stored(id)).isEqualTo(expired);
  }

  static Stream<Arguments> badInput() {
    return Stream.of(
        Arguments.of(
            List.of("add", "groupingest", "--comment", "x"),
            "flume-sentinel: usage error: matcher 'groupingest' is not a matcher: expected"
                + " label=value, label!=value, label=~regex or label!~regex (e.g. group=ingest);"
                + " see 'flume-sentinel silence add --help'"),
        Arguments.of(
            List.of("add", "host=~flume-0[1-4", "--comment", "x"),
            "flume-sentinel: usage error: matcher 'host=~flume-0[1-4': 'flume-0[1-4' is not a"
                + " valid regex: Unclosed character class; see 'flume-sentinel silence add --help'"),
        Arguments.of(
            List.of("add", "group=ingest"),
            "flume-sentinel: usage error: Missing required option: '--comment=TEXT'; see"
                + " 'flume-sentinel silence add --help'"),
        Arguments.of(
            List.of("add", "group=ingest", "--comment", " "),
            "flume-sentinel: usage error: the comment is empty: say why the alerts are silenced;"
                + " see 'flume-sentinel silence add --help'"),
        Arguments.of(
            List.of("add", "--comment", "x"),
            "flume-sentinel: usage error: Missing required parameter: 'MATCHER'; see"
                + " 'flume-sentinel silence add --help'"),
        Arguments.of(
            List.of("add", "group!=ingest", "--comment", "x"),
            "flume-sentinel: usage error: every matcher also matches alerts without the label"
                + " (group!=\"ingest\"), so the silence would mute nearly everything; add a matcher"
                + " that needs a value, such as group=ingest; see 'flume-sentinel silence add"
                + " --help'"),
        Arguments.of(
            List.of("add", "group=ingest", "--comment", "x", "--duration", "2 hours"),
            "flume-sentinel: usage error: --duration: '2 hours' is not a duration such as 90m, 2h,"
                + " 1d12h or 1w; see 'flume-sentinel silence add --help'"),
        Arguments.of(
            List.of(
                "add",
                "group=ingest",
                "--comment",
                "x",
                "--duration",
                "1h",
                "--end",
                "2099-01-01T00:00:00Z"),
            "flume-sentinel: usage error: --duration and --end exclude each other: give one; see"
                + " 'flume-sentinel silence add --help'"),
        Arguments.of(
            List.of("add", "group=ingest", "--comment", "x", "--end", "tomorrow"),
            "flume-sentinel: usage error: --end: 'tomorrow' is not an ISO-8601 time such as"
                + " 2026-11-22T18:00:00Z; see 'flume-sentinel silence add --help'"),
        Arguments.of(
            List.of("add", "group=ingest", "--comment", "x", "--end", "2001-01-01T00:00:00Z"),
            "flume-sentinel: usage error: the end 2001-01-01T00:00:00Z is not after the start"),
        Arguments.of(
            List.of("expire", "../agents"),
            "flume-sentinel: usage error: '../agents' is not a silence id: 1-128 letters, digits,"
                + " '.', '_' or '-' (as 'silence list' shows); see 'flume-sentinel silence expire"
                + " --help'"),
        Arguments.of(
            List.of("lst"),
            "flume-sentinel: usage error: Unmatched argument at index 1: 'lst' (did you mean list?);"
                + " see 'flume-sentinel silence --help'"));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("badInput")
  void badInputIsOneLineAndExitCode2WithoutTouchingZooKeeper(List<String> args, String line)
      throws Exception {
    String[] full = Stream.concat(Stream.of("silence"), args.stream()).toArray(String[]::new);
    // an address nothing listens on: bad input is refused before any connection
    String[] withZk =
        Stream.concat(Stream.of(full), Stream.of("--zk", "127.0.0.1:1")).toArray(String[]::new);
    if (args.get(0).equals("lst")) {
      withZk = full;
    }

    assertThat(run(withZk)).isEqualTo(2);

    assertThat(err.toString().lines()).singleElement().asString().startsWith(line);
    assertThat(out.toString()).isEmpty();
    assertThat(client.checkExists().forPath(LAYOUT.silences())).isNull();
  }
}
