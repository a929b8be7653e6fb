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
import io.flumesentinel.protocol.ExitRecord;
import io.flumesentinel.protocol.LiveNode;
import io.flumesentinel.protocol.Registration;
import io.flumesentinel.protocol.ZkLayout;
import io.flumesentinel.testing.WebhookReceiver;
import io.flumesentinel.testing.Zk;
import io.flumesentinel.zk.ZkClients;
import io.flumesentinel.zk.ZkSecurity;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.apache.curator.framework.CuratorFramework;
import org.apache.curator.framework.CuratorFrameworkFactory;
import org.apache.curator.retry.RetryOneTime;
import org.apache.curator.test.TestingServer;
import org.apache.curator.x.async.AsyncCuratorFramework;
import org.apache.zookeeper.KeeperException;
import org.apache.zookeeper.ZooDefs.Perms;
import org.apache.zookeeper.data.ACL;
import org.apache.zookeeper.data.Id;
import org.apache.zookeeper.server.auth.DigestAuthenticationProvider;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/**
 * Digest credentials ({@code addauth digest user:password}) and ACLs on a ZooKeeper that enforces
 * nothing but the ACLs: the monitor, an agent and {@code silence} with their own digest identities,
 * an alert at a real webhook receiver, and NoAuth for a client without credentials on every write
 * under the root.
 */
class ZkAuthDigestAcceptanceTest {

  private static final Duration WAIT = Duration.ofSeconds(20);
  private static final String ROOT = "/sentinel-digest";
  private static final ZkLayout LAYOUT = new ZkLayout(ROOT);

  @TempDir static Path dir;
  private static TestingServer server;
  private static WebhookReceiver hooks;
  private static Monitor monitor;
  private static String aclYaml;
  private static final List<AutoCloseable> closing = new ArrayList<>();

  @BeforeAll
  static void start() throws Exception {
    server = Zk.server();
    hooks = WebhookReceiver.start();
    aclYaml =
        "acl:\n  monitors: [ \"digest:"
            + DigestAuthenticationProvider.generateDigest("monitor:" + password("monitor"))
            + "\" ]\n  agents: [ \"digest:"
            + DigestAuthenticationProvider.generateDigest("agent:" + password("agent"))
            + "\" ]\n  operators: [ \"digest:"
            + DigestAuthenticationProvider.generateDigest("operator:" + password("operator"))
            + "\" ]\n";
    ZkConfig zk =
        new ZkConfig(
                server.getConnectString(),
                ROOT,
                Duration.ofSeconds(10),
                Duration.ofSeconds(5),
                0,
                dir.resolve("unused"))
            .withAccess(ConfigLoader.loadZkAccess(accessFile("monitor")));
    monitor =
        Monitor.start(
            new MonitorConfig(
                zk,
                new HttpConfig("127.0.0.1", 0),
                ClassifierConfig.defaults(),
                List.of(WebhookReceiverConfig.of("ops", List.of(hooks.url()))),
                ""),
            Clock.systemUTC());
    await().atMost(WAIT).until(monitor.readiness()::ready);
  }

  @AfterAll
  static void stop() throws Exception {
    for (AutoCloseable c : closing) {
      c.close();
    }
    if (monitor != null) {
      monitor.close();
    }
    if (hooks != null) {
      hooks.close();
    }
    if (server != null) {
      server.close();
    }
  }

  @Test
  void digestIdentitiesWorkAndAClientWithoutCredentialsGetsNoAuthEverywhere() throws Exception {
    // an agent with its password in the environment
    ZkAccess agentAccess =
        ConfigLoader.parseZkAccess(
            "auth: { digest: { user: agent, passwordEnv: ZK_AGENT_PASSWORD } }\n" + aclYaml,
            "agent",
            Map.of("ZK_AGENT_PASSWORD", password("agent"))::get);
    Registration agent = new Registration(AsyncCuratorFramework.wrap(client(agentAccess)), LAYOUT);
    AgentNode registered = AgentNode.of("h1", "ingest", Map.of());
    agent.register("d1", registered).toCompletableFuture().get();
    agent.goLive("d1", new LiveNode(1, Instant.now(), "", 0)).toCompletableFuture().get();
    agent
        .recordCrashAndDropLive(
            "d1", registered.withCrash(new ExitRecord(137, "KILL", Instant.now(), "")))
        .toCompletableFuture()
        .get();
    hooks.firing("d1").get(WAIT.toSeconds(), TimeUnit.SECONDS);
    assertThat(hooks.alertsFor("d1"))
        .singleElement()
        .satisfies(a -> assertThat(a.annotation("reason")).isEqualTo("CRASHED"));

    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    CommandLine silence = FlumeSentinel.commandLine(config -> {});
    silence.setOut(new PrintWriter(out, true));
    silence.setErr(new PrintWriter(err, true));
    int status =
        silence.execute(
            "silence",
            "add",
            "group=web",
            "--comment",
            "maintenance",
            "--zk",
            server.getConnectString(),
            "--root",
            ROOT,
            "--zk-auth",
            accessFile("operator").toString());
    assertThat(status).as("stderr: %s", err).isZero();
    String silenceNode = LAYOUT.silence(out.toString().strip());

    CuratorFramework observer = client(ConfigLoader.loadZkAccess(accessFile("monitor")));
    // ZooKeeper shows a digest id's hash only to a client with ADMIN on the node; none has it
    assertThat(observer.getACL().forPath(silenceNode))
        .containsExactlyInAnyOrder(
            new ACL(Perms.READ | Perms.WRITE, new Id("digest", "monitor:x")),
            new ACL(Perms.READ | Perms.WRITE, new Id("digest", "operator:x")));
    await().atMost(WAIT).until(() -> !observer.getChildren().forPath(LAYOUT.alerts()).isEmpty());
    String alert = LAYOUT.alert(observer.getChildren().forPath(LAYOUT.alerts()).get(0));

    CuratorFramework anonymous = client(ZkAccess.none());
    for (String parent :
        List.of(
            ROOT,
            LAYOUT.agents(),
            LAYOUT.live(),
            LAYOUT.silences(),
            LAYOUT.alerts(),
            LAYOUT.singleMonitors())) {
      assertNoAuth(() -> anonymous.create().forPath(parent + "/forged"), "create under " + parent);
    }
    for (String node : List.of(LAYOUT.agent("d1"), silenceNode, alert)) {
      assertNoAuth(() -> anonymous.setData().forPath(node, new byte[] {1}), "setData " + node);
      assertNoAuth(() -> anonymous.delete().forPath(node), "delete " + node);
    }
    CuratorFramework agentClient = client(agentAccess);
    assertNoAuth(
        () -> agentClient.setData().forPath(silenceNode, new byte[] {1}), "agent: silence");
    assertNoAuth(() -> agentClient.delete().forPath(alert), "agent: delete an alert");
  }

  private interface ZkCall {
    void run() throws Exception;
  }

  private static void assertNoAuth(ZkCall call, String what) {
    assertThat(catchThrowable(call::run))
        .as(what)
        .isInstanceOf(KeeperException.NoAuthException.class);
  }

  private static String password(String user) {
    return "pw-of-" + user + "-" + user.hashCode();
  }

  private static Path accessFile(String user) throws Exception {
    Path passwordFile = dir.resolve(user + ".password");
    Files.writeString(passwordFile, password(user) + "\n");
    Path file = dir.resolve(user + ".yaml");
    Files.writeString(
        file,
        "auth:\n  digest:\n    user: "
            + user
            + "\n    passwordFile: "
            + passwordFile
            + "\n"
            + aclYaml);
    return file;
  }

  private static CuratorFramework client(ZkAccess access) throws Exception {
    CuratorFramework client =
        ZkSecurity.apply(
                CuratorFrameworkFactory.builder()
                    .connectString(server.getConnectString())
                    .sessionTimeoutMs(10_000)
                    .connectionTimeoutMs(5_000)
                    .retryPolicy(new RetryOneTime(100)),
                ZkClients.clientConfig(),
                access,
                LAYOUT,
                null)
            .build();
    client.start();
    closing.add(client);
    assertThat(client.blockUntilConnected(10, TimeUnit.SECONDS)).isTrue();
    return client;
  }
}
