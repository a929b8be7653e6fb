package io.flumesentinel.appender;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.joran.JoranConfigurator;
import ch.qos.logback.core.status.Status;
import io.flumesentinel.appender.log4j2.FlumeLog4j2Appender;
import io.flumesentinel.appender.logback.FlumeLogbackAppender;
import io.flumesentinel.protocol.LiveNode;
import io.flumesentinel.protocol.ZkAcls;
import io.flumesentinel.protocol.ZkLayout;
import io.flumesentinel.testing.SecureZooKeeper;
import io.flumesentinel.testing.TestCertificates;
import io.flumesentinel.testing.TlsZooKeeperProcess;
import io.flumesentinel.testing.Zk;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Function;
import org.apache.curator.framework.CuratorFramework;
import org.apache.curator.framework.CuratorFrameworkFactory;
import org.apache.curator.framework.api.ACLProvider;
import org.apache.curator.framework.imps.DefaultACLProvider;
import org.apache.curator.retry.ExponentialBackoffRetry;
import org.apache.curator.test.TestingServer;
import org.apache.logging.log4j.core.config.Configurator;
import org.apache.zookeeper.client.ZKClientConfig;
import org.apache.zookeeper.data.Id;
import org.apache.zookeeper.server.auth.DigestAuthenticationProvider;
import org.apache.zookeeper.server.auth.SASLAuthenticationProvider;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Discovery on a registry secured as docs/security.md describes: the live nodes written by an agent
 * identity with the product's ACLs ({@link ZkAcls}), so that only the monitor, agent and operator
 * identities may read them. With an operator's digest credentials or SASL login the appender finds
 * the group's agents; without an identity allowed to read, it finds none and says so once, without
 * the password.
 */
class AppenderZooKeeperAuthTest {

  private static final String ROOT = "/flume-sentinel";
  private static final Duration WAIT = Duration.ofSeconds(30);

  @TempDir Path dir;
  private final AtomicReference<AgentDirectory.AgentList> current = new AtomicReference<>();
  private volatile AgentDirectory directory;
  private final List<String> warnings = new CopyOnWriteArrayList<>();
  private final List<String> connections = new CopyOnWriteArrayList<>();

  @Test
  void digestCredentialsOfAnOperatorFindTheAgentsAndNoneFindNothingSaidOnce() throws Exception {
    try (TestingServer server = Zk.server();
        CuratorFramework writer =
            writer(
                server.getConnectString(),
                digestAcls(),
                b ->
                    b.authorization(
                        "digest", ("agent:" + password("agent")).getBytes(StandardCharsets.UTF_8)),
                new ZKClientConfig())) {
      writeLiveNodes(writer);
      Path operatorPassword =
          Files.writeString(dir.resolve("zk-password"), password("operator") + "\n");

      discover(
          settings(server)
              .zkDigestUser("operator")
              .zkDigestPasswordFile(operatorPassword.toString()),
          () -> {
            awaitAgents("zookeeper", "a1=127.0.0.1:5001", "b1=127.0.0.1:5002");
            assertThat(warnings).isEmpty();
          });

      // no identity: the live nodes are not readable
      discover(
          settings(server),
          () -> {
            awaitNoAuth();
            // a reconnection reads again: still refused, still said once
            server.restart();
            await().atMost(WAIT).until(() -> connections.size() >= 2);
            await()
                .during(Duration.ofSeconds(1))
                .atMost(WAIT)
                .untilAsserted(
                    () -> assertThat(warnings).filteredOn(w -> w.contains("NoAuth")).hasSize(1));
            assertThat(directory.current().source()).isEqualTo("static");
          });
      assertThat(warnings.get(0))
          .contains("/flume-sentinel/live", "NoAuth", "no credentials", "zkDigestUser");

      // a wrong password is another digest id: refused the same way, the password never said
      warnings.clear();
      Path wrong = Files.writeString(dir.resolve("wrong"), "not-the-operator-password");
      discover(
          settings(server).zkDigestUser("operator").zkDigestPasswordFile(wrong.toString()),
          this::awaitNoAuth);
      assertThat(warnings)
          .hasSize(1)
          .allMatch(w -> w.contains("digest user operator"))
          .noneMatch(
              w -> w.contains("not-the-operator-password") || w.contains(password("operator")));
    }
  }

  @Test
  void saslLoginContextsChooseTheIdentity() throws Exception {
    try (SecureZooKeeper zk =
        SecureZooKeeper.start(
            dir, Map.of("authProvider.1", SASLAuthenticationProvider.class.getName()))) {
      ZKClientConfig agentLogin = new ZKClientConfig();
      agentLogin.setProperty(ZKClientConfig.ENABLE_CLIENT_SASL_KEY, "true");
      agentLogin.setProperty(ZKClientConfig.LOGIN_CONTEXT_NAME_KEY, "Agent");
      try (CuratorFramework writer =
          writer(
              zk.connectString(),
              new ZkAcls(
                  new ZkLayout(ROOT),
                  null,
                  List.of(new Id("sasl", "monitor")),
                  List.of(new Id("sasl", "agent")),
                  List.of(new Id("sasl", "operator"))),
              b -> b,
              agentLogin)) {
        writeLiveNodes(writer);

        discover(
            settings(zk.connectString()).zkSaslLoginContext("Operator"),
            () -> {
              awaitAgents("zookeeper", "a1=127.0.0.1:5001", "b1=127.0.0.1:5002");
              assertThat(warnings).isEmpty();
            });

        // a SASL user that none of the three roles lists
        discover(settings(zk.connectString()).zkSaslLoginContext("Stranger"), this::awaitNoAuth);
        assertThat(warnings).allMatch(w -> w.contains("SASL login context Stranger"));

        // the operator's name with a wrong password: the login itself is refused
        warnings.clear();
        discover(
            settings(zk.connectString()).zkSaslLoginContext("Impostor"),
            () ->
                await()
                    .atMost(WAIT)
                    .untilAsserted(
                        () -> assertThat(warnings).anyMatch(w -> w.contains("AuthFailed"))));
        assertThat(warnings).noneMatch(w -> w.contains("not-the-password"));
      }
    }
  }

  @Test
  void logbackElementsAndLog4j2AttributesLogDiscoveryIn() throws Exception {
    try (TestingServer server = Zk.server();
        CuratorFramework writer =
            writer(
                server.getConnectString(),
                digestAcls(),
                b ->
                    b.authorization(
                        "digest", ("agent:" + password("agent")).getBytes(StandardCharsets.UTF_8)),
                new ZKClientConfig())) {
      writeLiveNodes(writer);
      Path operatorPassword = Files.writeString(dir.resolve("op.password"), password("operator"));

      Path logbackXml =
          Files.writeString(
              dir.resolve("logback.xml"),
              """
              <configuration>
                <appender name="SECURED_LB" class="io.flumesentinel.appender.logback.FlumeLogbackAppender">
                  <zookeeper>%s</zookeeper>
                  <group>logs</group>
                  <zkDigestUser>operator</zkDigestUser>
                  <zkDigestPasswordFile>%s</zkDigestPasswordFile>
                  <encoder><pattern>%%msg</pattern></encoder>
                </appender>
                <root level="INFO"><appender-ref ref="SECURED_LB"/></root>
              </configuration>
              """
                  .formatted(server.getConnectString(), operatorPassword));
      LoggerContext logback = new LoggerContext();
      JoranConfigurator configurator = new JoranConfigurator();
      configurator.setContext(logback);
      configurator.doConfigure(logbackXml.toFile());
      try {
        FlumeLogbackAppender appender =
            (FlumeLogbackAppender) logback.getLogger("ROOT").getAppender("SECURED_LB");
        await()
            .atMost(WAIT)
            .untilAsserted(
                () ->
                    assertThat(appender.sender().stats().getAgents())
                        .contains("127.0.0.1:5001", "127.0.0.1:5002"));
        assertThat(logback.getStatusManager().getCopyOfStatusList())
            .extracting(Status::getMessage)
            .anyMatch(m -> m.contains("connected to ZooKeeper (CONNECTED) as digest user operator"))
            .noneMatch(m -> m.contains("NoAuth") || m.contains(password("operator")));
      } finally {
        logback.stop();
      }

      Path log4j2Xml =
          Files.writeString(
              dir.resolve("log4j2.xml"),
              """
              <Configuration status="warn">
                <Appenders>
                  <FlumeSentinel name="SECURED_L4J" zookeeper="%s" group="logs"
                                 zkDigestUser="operator" zkDigestPasswordFile="%s">
                    <PatternLayout pattern="%%msg"/>
                  </FlumeSentinel>
                </Appenders>
                <Loggers><Root level="info"><AppenderRef ref="SECURED_L4J"/></Root></Loggers>
              </Configuration>
              """
                  .formatted(server.getConnectString(), operatorPassword));
      org.apache.logging.log4j.core.LoggerContext log4j2 =
          Configurator.initialize("secured-discovery", log4j2Xml.toString());
      try {
        FlumeLog4j2Appender appender = log4j2.getConfiguration().getAppender("SECURED_L4J");
        await()
            .atMost(WAIT)
            .untilAsserted(
                () ->
                    assertThat(appender.sender().stats().getAgents())
                        .contains("127.0.0.1:5001", "127.0.0.1:5002"));
      } finally {
        Configurator.shutdown(log4j2);
      }
    }
  }

  @Test
  void overTlsToAServerWithATlsPortOnly() throws Exception {
    TestCertificates.Identity serverId = TestCertificates.create(dir, "server");
    TestCertificates.Identity clientId = TestCertificates.create(dir, "appclient");
    Path serverTrust = TestCertificates.trustStore(dir.resolve("server-trust.p12"), clientId);
    Path clientTrust = TestCertificates.trustStore(dir.resolve("client-trust.p12"), serverId);
    Path storePassword =
        Files.writeString(dir.resolve("store.password"), TestCertificates.PASSWORD);
    try (TlsZooKeeperProcess zk = TlsZooKeeperProcess.start(serverId.keyStore(), serverTrust)) {
      ZKClientConfig tls =
          new ZooKeeperAccess(
                  null,
                  null,
                  null,
                  new ZooKeeperAccess.Store(
                      clientId.keyStore(), "PKCS12", TestCertificates.PASSWORD),
                  new ZooKeeperAccess.Store(clientTrust, "PKCS12", TestCertificates.PASSWORD))
              .clientConfig();
      try (CuratorFramework writer =
          writer(zk.connectString(), new DefaultACLProvider(), b -> b, tls)) {
        writeLiveNodes(writer);

        discover(
            settings(zk.connectString())
                .zkTlsKeyStore(clientId.keyStore().toString())
                .zkTlsKeyStorePasswordFile(storePassword.toString())
                .zkTlsTrustStore(clientTrust.toString())
                .zkTlsTrustStoreType("pkcs12")
                .zkTlsTrustStorePasswordFile(storePassword.toString()),
            () -> {
              awaitAgents("zookeeper", "a1=127.0.0.1:5001", "b1=127.0.0.1:5002");
              assertThat(connections).allMatch(c -> c.endsWith(", TLS"));
            });
      }
    }
  }

  @Test
  void passwordsComeFromAFileOrTheEnvironmentAndErrorsNeverQuoteThem() throws Exception {
    Path empty = Files.writeString(dir.resolve("empty"), "");
    assertThatThrownBy(() -> settings("zk:2181").zkDigestUser("operator").build())
        .hasMessageContaining("zkDigestUser needs zkDigestPasswordFile or zkDigestPasswordEnv");
    assertThatThrownBy(
            () ->
                settings("zk:2181")
                    .zkDigestUser("operator")
                    .zkDigestPasswordFile(dir.resolve("missing").toString())
                    .build())
        .hasMessageStartingWith("zkDigestPasswordFile: cannot read");
    assertThatThrownBy(
            () ->
                settings("zk:2181")
                    .zkDigestUser("operator")
                    .zkDigestPasswordFile(empty.toString())
                    .build())
        .hasMessageContaining("is empty");
    assertThatThrownBy(
            () ->
                settings("zk:2181")
                    .zkDigestUser("operator")
                    .zkDigestPasswordEnv("FLUME_SENTINEL_SURELY_UNSET_VARIABLE")
                    .build())
        .hasMessage(
            "zkDigestPasswordEnv: the environment variable FLUME_SENTINEL_SURELY_UNSET_VARIABLE"
                + " is not set or empty");
    assertThatThrownBy(() -> settings("zk:2181").zkSaslLoginContext("a b").build())
        .hasMessageStartingWith("zkSaslLoginContext must be");
    assertThatThrownBy(
            () ->
                AppenderSettings.builder()
                    .agents("h:1")
                    .zkTlsTrustStore(Files.writeString(dir.resolve("ca.p12"), "x").toString())
                    .build())
        .hasMessageStartingWith("zookeeper must be set");

    Path file = Files.writeString(dir.resolve("pw"), "s3cret-value\n");
    AppenderSettings settings =
        settings("zk:2181").zkDigestUser("operator").zkDigestPasswordFile(file.toString()).build();
    assertThat(settings.zkAccess().digestPassword())
        .as("the file's last line end is not part of the password")
        .isEqualTo("s3cret-value");
    assertThat(settings.toString()).doesNotContain("s3cret");
  }

  private void awaitNoAuth() {
    await()
        .atMost(WAIT)
        .untilAsserted(
            () -> {
              assertThat(warnings).filteredOn(w -> w.contains("NoAuth")).hasSize(1);
              assertThat(directory.current().source()).isEqualTo("static");
            });
  }

  private void discover(AppenderSettings.Builder builder, ThrowingRunnable check) throws Exception {
    AppenderSettings settings = builder.build();
    current.set(null);
    connections.clear();
    directory = new AgentDirectory(settings.agents(), current::set);
    Map<Object, Object> properties = Map.copyOf(System.getProperties());
    try (ZooKeeperAgents agents = new ZooKeeperAgents(settings, directory, diagnostics())) {
      agents.start();
      check.run();
    }
    assertThat(Map.copyOf(System.getProperties()))
        .as("identity and TLS go into the appender's own client, never into system properties")
        .isEqualTo(properties);
  }

  private AppenderSettings.Builder settings(TestingServer server) {
    return settings(server.getConnectString());
  }

  private static AppenderSettings.Builder settings(String connect) {
    return AppenderSettings.builder()
        .name("secured")
        .zookeeper(connect)
        .group("logs")
        .agents("10.9.9.9:4141");
  }

  private static String password(String user) {
    return SecureZooKeeper.password(user);
  }

  private static ZkAcls digestAcls() throws Exception {
    return new ZkAcls(
        new ZkLayout(ROOT),
        null,
        List.of(digestId("monitor")),
        List.of(digestId("agent")),
        List.of(digestId("operator")));
  }

  private static Id digestId(String user) throws Exception {
    return new Id(
        "digest", DigestAuthenticationProvider.generateDigest(user + ":" + password(user)));
  }

  private static CuratorFramework writer(
      String connect,
      ACLProvider acls,
      Function<CuratorFrameworkFactory.Builder, CuratorFrameworkFactory.Builder> identity,
      ZKClientConfig config) {
    CuratorFramework client =
        identity
            .apply(
                CuratorFrameworkFactory.builder()
                    .connectString(connect)
                    .sessionTimeoutMs(10_000)
                    .connectionTimeoutMs(5000)
                    .retryPolicy(new ExponentialBackoffRetry(50, 3))
                    .aclProvider(acls)
                    .zkClientConfig(config))
            .build();
    client.start();
    return client;
  }

  /** As a supervisor writes them, persistent so that they outlive a restart of the server. */
  private static void writeLiveNodes(CuratorFramework writer) throws Exception {
    live(writer, "b1", "logs", "127.0.0.1:5002");
    live(writer, "a1", "logs", "127.0.0.1:5001");
    live(writer, "other", "ingest", "127.0.0.1:5009");
  }

  private static void live(CuratorFramework client, String id, String group, String avro)
      throws Exception {
    LiveNode live = new LiveNode(1, Instant.now(), "", 0, group, Map.of("avro", avro));
    client.create().creatingParentsIfNeeded().forPath(ROOT + "/live/" + id, live.toBytes());
  }

  private void awaitAgents(String source, String... agents) {
    await()
        .atMost(WAIT)
        .untilAsserted(
            () -> {
              AgentDirectory.AgentList list = current.get();
              assertThat(list).isNotNull();
              assertThat(list.source()).isEqualTo(source);
              assertThat(list.agents())
                  .extracting(a -> a.name() + "=" + a.endpoint())
                  .containsExactly(agents);
            });
  }

  private Diagnostics diagnostics() {
    return new Diagnostics() {
      @Override
      public void info(String message) {
        if (message.startsWith("discovery connected")) {
          connections.add(message);
        }
      }

      @Override
      public void warn(String message) {
        warnings.add(message);
      }

      @Override
      public void error(String message, Throwable cause) {
        warnings.add(message + ": " + cause);
      }
    };
  }

  private interface ThrowingRunnable {
    void run() throws Exception;
  }
}
