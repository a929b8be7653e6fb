package io.flumesentinel;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;
import static org.awaitility.Awaitility.await;

import io.flumesentinel.config.ClassifierConfig;
import io.flumesentinel.config.ConfigLoader;
import io.flumesentinel.config.HttpConfig;
import io.flumesentinel.config.MonitorConfig;
import io.flumesentinel.config.WebhookReceiverConfig;
import io.flumesentinel.config.ZkAccess;
import io.flumesentinel.config.ZkConfig;
import io.flumesentinel.monitor.Monitor;
import io.flumesentinel.protocol.AgentNode;
import io.flumesentinel.protocol.LiveNode;
import io.flumesentinel.protocol.Registration;
import io.flumesentinel.protocol.ZkLayout;
import io.flumesentinel.readiness.Readiness;
import io.flumesentinel.supervisor.Supervisor;
import io.flumesentinel.testing.ClusterTls;
import io.flumesentinel.testing.SecureZooKeeper;
import io.flumesentinel.testing.WebhookReceiver;
import io.flumesentinel.zk.ZkClients;
import io.flumesentinel.zk.ZkSecurity;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.apache.curator.framework.CuratorFramework;
import org.apache.curator.framework.CuratorFrameworkFactory;
import org.apache.curator.retry.RetryOneTime;
import org.apache.curator.x.async.AsyncCuratorFramework;
import org.apache.zookeeper.KeeperException;
import org.apache.zookeeper.ZooDefs.Perms;
import org.apache.zookeeper.client.ZKClientConfig;
import org.apache.zookeeper.data.ACL;
import org.apache.zookeeper.data.Id;
import org.apache.zookeeper.server.auth.SASLAuthenticationProvider;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/**
 * ZooKeeper authentication and ACLs end to end, against a real ZooKeeper that requires SASL
 * (DIGEST-MD5, {@code enforce.auth.schemes=sasl}): a clustered monitor, {@code supervise}, {@code
 * silence} and {@code deregister}, each with its own identity, and an alert that reaches a real
 * webhook receiver. What is asserted is what a user sees: the webhook, the exit statuses, the ACL
 * of each znode, and NoAuth for whoever may not write.
 */
class ZkAuthSaslAcceptanceTest {

  private static final Duration WAIT = Duration.ofSeconds(30);
  private static final String ROOT = "/sentinel-sasl";
  private static final ZkLayout LAYOUT = new ZkLayout(ROOT);
  private static final String ACL_YAML =
      """
      acl:
        monitors: [ "sasl:monitor" ]
        agents: [ "sasl:agent" ]
        operators: [ "sasl:operator" ]
      """;
  private static final Id MONITOR = new Id("sasl", "monitor");
  private static final Id AGENT = new Id("sasl", "agent");
  private static final Id OPERATOR = new Id("sasl", "operator");

  @TempDir static Path dir;
  private static SecureZooKeeper zk;
  private static WebhookReceiver hooks;
  private static Monitor monitor;
  private static CuratorFramework asMonitor;
  private static final List<Supervisor> supervisors = new CopyOnWriteArrayList<>();
  private static final List<AutoCloseable> closing = new ArrayList<>();

  @BeforeAll
  static void start() throws Exception {
    zk =
        SecureZooKeeper.start(
            dir,
            Map.of(
                "authProvider.1",
                SASLAuthenticationProvider.class.getName(),
                "enforce.auth.enabled",
                "true",
                "enforce.auth.schemes",
                "sasl"));
    hooks = WebhookReceiver.start();
    ZkConfig zkConfig =
        new ZkConfig(
                zk.connectString(),
                ROOT,
                Duration.ofSeconds(10),
                Duration.ofSeconds(5),
                0,
                dir.resolve("unused"))
            .withAccess(access("Monitor"));
    monitor =
        Monitor.start(
            new MonitorConfig(
                    zkConfig,
                    new HttpConfig("127.0.0.1", 0),
                    ClassifierConfig.defaults(),
                    List.of(WebhookReceiverConfig.of("ops", List.of(hooks.url()))),
                    "",
                    null)
                .withCluster(ClusterTls.shared().cluster("127.0.0.1")),
            Clock.systemUTC());
    await()
        .atMost(WAIT)
        .until(
            () ->
                monitor.readiness().ready() && monitor.readiness().role() == Readiness.Role.ACTIVE);
    asMonitor = client("Monitor");
  }

  @AfterAll
  static void stop() throws Exception {
    for (Supervisor supervisor : supervisors) {
      supervisor.stop();
      supervisor.exitStatus().get(30, TimeUnit.SECONDS);
    }
    for (AutoCloseable c : closing) {
      c.close();
    }
    if (monitor != null) {
      monitor.close();
    }
    if (hooks != null) {
      hooks.close();
    }
    if (zk != null) {
      zk.close();
    }
  }

  @Test
  void everyCommandWorksWithItsIdentityAndACrashReachesTheWebhook() throws Exception {
    Path agentFile = accessFile("Agent");
    Path operatorFile = accessFile("Operator");

    assertThat(
            cli(
                "supervise",
                "--zk",
                zk.connectString(),
                "--root",
                ROOT,
                "--zk-auth",
                agentFile.toString(),
                "--agent",
                "a1",
                "--group",
                "ingest",
                "--restart-delay-ms",
                "60000",
                "--",
                "sleep",
                "600"))
        .isZero();
    Supervisor supervisor = supervisors.get(0);
    await().atMost(WAIT).until(() -> exists(LAYOUT.live("a1")));
    ProcessHandle.of(supervisor.pid()).orElseThrow().destroyForcibly();

    hooks.firing("a1").get(WAIT.toSeconds(), TimeUnit.SECONDS);
    assertThat(hooks.alertsFor("a1"))
        .singleElement()
        .satisfies(a -> assertThat(a.annotation("reason")).isEqualTo("CRASHED"));

    StringWriter silenceOut = new StringWriter();
    assertThat(
            cli(
                silenceOut,
                "silence",
                "add",
                "group=web",
                "--comment",
                "maintenance",
                "--zk",
                zk.connectString(),
                "--root",
                ROOT,
                "--zk-auth",
                operatorFile.toString()))
        .isZero();
    String silence = silenceOut.toString().strip();
    // The monitor writes silences too: its HTTP API takes them from holders of the write token.
    assertThat(acl(LAYOUT.silence(silence))).containsExactlyInAnyOrder(rw(MONITOR), rw(OPERATOR));

    // a2 registered by an agent, deregistered by an operator from elsewhere: no alert
    Registration agentSide = new Registration(AsyncCuratorFramework.wrap(client("Agent")), LAYOUT);
    agentSide.register("a2", AgentNode.of("h2", "ingest", Map.of())).toCompletableFuture().get();
    agentSide.goLive("a2", new LiveNode(2, Instant.now(), "", 0)).toCompletableFuture().get();
    assertThat(
            cli(
                "deregister",
                "--zk",
                zk.connectString(),
                "--root",
                ROOT,
                "--zk-auth",
                operatorFile.toString(),
                "--agent",
                "a2"))
        .isZero();
    assertThat(exists(LAYOUT.agent("a2"))).isFalse();
    assertThat(exists(LAYOUT.live("a2"))).isFalse();

    // what each role may do on what each command created
    assertThat(acl(LAYOUT.agent("a1")))
        .containsExactlyInAnyOrder(
            new ACL(Perms.READ, MONITOR), rw(AGENT), new ACL(Perms.READ, OPERATOR));
    assertThat(acl(LAYOUT.agents()))
        .containsExactlyInAnyOrder(
            new ACL(Perms.READ, MONITOR),
            new ACL(Perms.READ | Perms.CREATE | Perms.DELETE, AGENT),
            new ACL(Perms.READ | Perms.DELETE, OPERATOR));
    assertThat(acl(LAYOUT.silences()))
        .containsExactlyInAnyOrder(
            new ACL(Perms.READ | Perms.CREATE | Perms.DELETE, MONITOR),
            new ACL(Perms.READ | Perms.CREATE | Perms.DELETE, OPERATOR));
    await().atMost(WAIT).until(() -> !children(LAYOUT.alerts()).isEmpty());
    for (String record : children(LAYOUT.alerts())) {
      assertThat(acl(LAYOUT.alert(record)))
          .containsExactlyInAnyOrder(rw(MONITOR), new ACL(Perms.READ, OPERATOR));
    }
    assertThat(acl(LAYOUT.monitorEpoch()))
        .containsExactlyInAnyOrder(
            new ACL(Perms.ALL & ~Perms.ADMIN, MONITOR), new ACL(Perms.READ, OPERATOR));
    assertThat(acl(ROOT))
        .containsExactlyInAnyOrder(
            new ACL(Perms.READ | Perms.CREATE, MONITOR),
            new ACL(Perms.READ | Perms.CREATE, AGENT),
            new ACL(Perms.READ | Perms.CREATE, OPERATOR));
    // the Vert.x cluster manager's nodes: monitors only
    List<String> clusterNodes = descendants(ROOT + "/vertx");
    assertThat(clusterNodes).isNotEmpty();
    for (String node : clusterNodes) {
      assertThat(acl(node)).as(node).containsExactly(new ACL(Perms.ALL & ~Perms.ADMIN, MONITOR));
    }
  }

  @Test
  void anIdentityWithoutARoleCanNeitherCreateNorChangeNorDeleteAnything() throws Exception {
    Fixture nodes = fixture();
    CuratorFramework stranger = client("Stranger");
    for (String parent : nodes.parents()) {
      assertNoAuth(() -> stranger.create().forPath(parent + "/forged"), "create under " + parent);
    }
    for (String node : nodes.leaves()) {
      assertNoAuth(() -> stranger.setData().forPath(node, new byte[] {1}), "setData " + node);
      assertNoAuth(() -> stranger.delete().forPath(node), "delete " + node);
    }
  }

  @Test
  void anAgentCanWriteNeitherSilencesNorAlertsNorTheEpoch() throws Exception {
    Fixture nodes = fixture();
    CuratorFramework agent = client("Agent");
    assertNoAuth(() -> agent.create().forPath(LAYOUT.silence("forged-silence")), "create silence");
    assertNoAuth(() -> agent.setData().forPath(nodes.silence(), new byte[] {1}), "set silence");
    assertNoAuth(() -> agent.delete().forPath(nodes.silence()), "delete silence");
    assertNoAuth(() -> agent.create().forPath(LAYOUT.alert("Forged.x")), "create alert");
    assertNoAuth(() -> agent.setData().forPath(nodes.alert(), new byte[] {1}), "set alert");
    assertNoAuth(() -> agent.delete().forPath(nodes.alert()), "delete alert");
    assertNoAuth(
        () -> agent.setData().forPath(LAYOUT.monitorEpoch(), new byte[] {1}), "bump the epoch");
    assertNoAuth(() -> agent.delete().forPath(LAYOUT.monitorEpoch()), "delete the epoch");
  }

  @Test
  void aClientWithoutCredentialsIsRefusedEverything() throws Exception {
    Fixture nodes = fixture();
    ZKClientConfig noSasl = ZkClients.clientConfig();
    noSasl.setProperty(ZKClientConfig.ENABLE_CLIENT_SASL_KEY, "false");
    CuratorFramework anonymous =
        CuratorFrameworkFactory.builder()
            .connectString(zk.connectString())
            .sessionTimeoutMs(10_000)
            .connectionTimeoutMs(5_000)
            .retryPolicy(new RetryOneTime(100))
            .zkClientConfig(noSasl)
            .build();
    anonymous.start();
    closing.add(anonymous);
    // The server closes the session of a client that has not authenticated with SASL, at its
    // first request: every request fails, whatever the ACL says.
    assertRefused(() -> anonymous.create().forPath(ROOT + "/forged"), "create under the root");
    assertRefused(() -> anonymous.create().forPath(LAYOUT.silence("forged")), "create a silence");
    assertRefused(
        () -> anonymous.setData().forPath(LAYOUT.monitorEpoch(), new byte[] {1}), "bump the epoch");
    assertRefused(() -> anonymous.delete().forPath(nodes.silence()), "delete a silence");
    assertRefused(() -> anonymous.delete().forPath(nodes.agent()), "delete an agent node");
    // nothing changed
    assertThat(exists(ROOT + "/forged")).isFalse();
    assertThat(exists(LAYOUT.silence("forged"))).isFalse();
    assertThat(exists(nodes.silence())).isTrue();
    assertThat(exists(nodes.agent())).isTrue();
    for (String node : nodes.leaves()) {
      assertThat(asMonitor.getData().forPath(node)).as(node).isNotEqualTo(new byte[] {1});
    }
  }

  @Test
  void aCommandWithTheWrongIdentityOrPasswordSaysSoInOneLine() throws Exception {
    StringWriter err = new StringWriter();
    int status =
        cli(
            new StringWriter(),
            err,
            "silence",
            "add",
            "group=ingest",
            "--comment",
            "forged",
            "--zk",
            zk.connectString(),
            "--root",
            ROOT,
            "--zk-auth",
            accessFile("Agent").toString());
    assertThat(status).isEqualTo(1);
    assertThat(err.toString().strip())
        .startsWith("flume-sentinel: ZooKeeper refused " + LAYOUT.silences() + "/")
        .endsWith(
            " to this identity (NoAuth): check --zk-auth (who this command logs in as) and the"
                + " acl roles (see docs/security.md)");

    err.getBuffer().setLength(0);
    status =
        cli(
            new StringWriter(),
            err,
            "silence",
            "list",
            "--zk",
            zk.connectString(),
            "--root",
            ROOT,
            "--zk-auth",
            accessFile("Impostor").toString());
    assertThat(status).isEqualTo(1);
    assertThat(err.toString().strip())
        .isEqualTo(
            "flume-sentinel: ZooKeeper refused this command's login (AUTHFAILED): check the"
                + " credentials --zk-auth names (see docs/security.md)");
  }

  /** One node of each kind, each written by the identity that writes it in production. */
  private record Fixture(String agent, String live, String silence, String alert) {

    List<String> parents() {
      return List.of(
          ROOT,
          LAYOUT.agents(),
          LAYOUT.live(),
          LAYOUT.silences(),
          LAYOUT.alerts(),
          ROOT + "/monitor",
          ROOT + "/vertx");
    }

    List<String> leaves() {
      return List.of(agent, live, silence, alert, LAYOUT.monitorEpoch());
    }
  }

  private static Fixture fixture() throws Exception {
    String id = "fixture-" + System.nanoTime();
    Registration agentSide = new Registration(AsyncCuratorFramework.wrap(client("Agent")), LAYOUT);
    agentSide.register(id, AgentNode.of("h", "g", Map.of())).toCompletableFuture().get();
    agentSide.goLive(id, new LiveNode(1, Instant.now(), "", 0)).toCompletableFuture().get();
    String silence = LAYOUT.silence(java.util.UUID.randomUUID().toString());
    client("Operator").create().creatingParentsIfNeeded().forPath(silence, "{}".getBytes());
    String alert = LAYOUT.alert("Fixture." + id);
    client("Monitor").create().creatingParentsIfNeeded().forPath(alert, "{}".getBytes());
    await().atMost(WAIT).until(() -> exists(LAYOUT.monitorEpoch()));
    return new Fixture(LAYOUT.agent(id), LAYOUT.live(id), silence, alert);
  }

  private interface ZkCall {
    void run() throws Exception;
  }

  private static void assertNoAuth(ZkCall call, String what) {
    assertThat(catchThrowable(call::run))
        .as(what)
        .isInstanceOf(KeeperException.NoAuthException.class);
  }

  /**
   * The server closes the session of a client that has not authenticated: the client sees that
   * close as SessionClosedRequireAuth, as a connection loss when the close overtakes the reply, or,
   * for later requests on the closed session, as its expiry. Either way the request was refused;
   * the callers check that nothing changed.
   */
  private static void assertRefused(ZkCall call, String what) {
    assertThat(catchThrowable(call::run))
        .as(what)
        .isInstanceOfAny(
            KeeperException.SessionClosedRequireAuthException.class,
            KeeperException.ConnectionLossException.class,
            KeeperException.SessionExpiredException.class);
  }

  private static ACL rw(Id id) {
    return new ACL(Perms.READ | Perms.WRITE, id);
  }

  private static List<ACL> acl(String path) throws Exception {
    return asMonitor.getACL().forPath(path);
  }

  private static boolean exists(String path) throws Exception {
    return asMonitor.checkExists().forPath(path) != null;
  }

  private static List<String> children(String path) throws Exception {
    return asMonitor.getChildren().forPath(path);
  }

  private static List<String> descendants(String path) throws Exception {
    List<String> all = new ArrayList<>();
    for (String child : children(path)) {
      String full = path + "/" + child;
      all.add(full);
      all.addAll(descendants(full));
    }
    return all;
  }

  /** The access of a client logging in with JAAS section {@code section}, with the shared ACL. */
  private static ZkAccess access(String section) {
    return ConfigLoader.parseZkAccess(
        "auth: { sasl: { loginContext: "
            + section
            + ", jaasFile: "
            + zk.jaasFile()
            + " } }\n"
            + ACL_YAML,
        "test",
        System::getenv);
  }

  private static Path accessFile(String section) throws Exception {
    Path file = dir.resolve(section.toLowerCase(java.util.Locale.ROOT) + ".yaml");
    Files.writeString(
        file,
        "auth:\n  sasl:\n    loginContext: " + section + "\n" + ACL_YAML,
        StandardCharsets.UTF_8);
    return file;
  }

  private static CuratorFramework client(String section) throws Exception {
    CuratorFramework client =
        ZkSecurity.apply(
                CuratorFrameworkFactory.builder()
                    .connectString(zk.connectString())
                    .sessionTimeoutMs(10_000)
                    .connectionTimeoutMs(5_000)
                    .retryPolicy(new RetryOneTime(100)),
                ZkClients.clientConfig(),
                access(section),
                LAYOUT,
                null)
            .build();
    client.start();
    closing.add(client);
    assertThat(client.blockUntilConnected(10, TimeUnit.SECONDS)).isTrue();
    return client;
  }

  private static int cli(String... args) {
    return cli(new StringWriter(), args);
  }

  private static int cli(StringWriter out, String... args) {
    return cli(out, new StringWriter(), args);
  }

  private static int cli(StringWriter out, StringWriter err, String... args) {
    CommandLine commandLine =
        FlumeSentinel.commandLine(
            config -> {},
            config -> {
              supervisors.add(Supervisor.start(config, Clock.systemUTC()));
              return 0;
            });
    commandLine.setOut(new PrintWriter(out, true));
    commandLine.setErr(new PrintWriter(err, true));
    int status = commandLine.execute(args);
    if (status != 0) {
      System.err.println(String.join(" ", args) + ": " + err);
    }
    return status;
  }
}
