package io.flumesentinel.appender;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.flumesentinel.appender.demo.DemoApp;
import io.flumesentinel.appender.demo.NumberedEventsApp;
import io.flumesentinel.appender.demo.NumberedEventsLog4j2App;
import io.flumesentinel.protocol.LiveNode;
import io.flumesentinel.protocol.ZkAcls;
import io.flumesentinel.protocol.ZkLayout;
import io.flumesentinel.testing.ChildJvm;
import io.flumesentinel.testing.SecureZooKeeper;
import io.flumesentinel.testing.Zk;
import java.io.File;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import org.apache.curator.framework.CuratorFramework;
import org.apache.curator.framework.CuratorFrameworkFactory;
import org.apache.curator.retry.ExponentialBackoffRetry;
import org.apache.curator.test.TestingServer;
import org.apache.zookeeper.KeeperException;
import org.apache.zookeeper.client.ZKClientConfig;
import org.apache.zookeeper.data.Id;
import org.apache.zookeeper.server.auth.DigestAuthenticationProvider;
import org.apache.zookeeper.server.auth.SASLAuthenticationProvider;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The {@code zk*} settings through the built {@code flume-sentinel-appender.jar}: an application
 * whose class path is only Logback, SLF4J and that jar finds the agents of its group on a real
 * ZooKeeper whose live nodes carry the product's ACLs (written by an agent identity, readable by
 * the monitor, agent and operator identities only), logging in as an operator with digest
 * credentials whose password is read from a file, or with a SASL login whose JAAS section names the
 * relocated {@code DigestLoginModule}; so the relocated ZooKeeper client and Curator carry the
 * credentials. No static agent is configured: every event that arrives came through discovery.
 */
@Tag("extended")
class AppenderJarZooKeeperAuthIT {

  private static final String ROOT = "/flume-sentinel";
  private static final int EVENTS = 300;

  @TempDir Path dir;

  @ParameterizedTest(name = "through Log4j2: {0}")
  @ValueSource(booleans = {false, true})
  void anApplicationWithOnlyItsLoggingLibraryAndTheJarDiscoversTheAgentsOfASecuredRegistry(
      boolean log4j2) throws Exception {
    try (TestingServer zk = Zk.server();
        AvroAgent agent = AvroAgent.start()) {
      try (CuratorFramework writer =
          client(
              zk.getConnectString(),
              digestAcls(),
              new ZKClientConfig(),
              b ->
                  b.authorization(
                      "digest",
                      ("agent:" + SecureZooKeeper.password("agent"))
                          .getBytes(StandardCharsets.UTF_8)))) {
        writeLiveNode(writer, agent);
      }
      try (CuratorFramework anonymous = Zk.client(zk.getConnectString(), Duration.ofSeconds(10))) {
        assertThatThrownBy(() -> anonymous.getData().forPath(ROOT + "/live/a1"))
            .as("the live node is closed to a client without an identity")
            .isInstanceOf(KeeperException.NoAuthException.class);
      }
      Path passwordFile =
          Files.writeString(
              dir.resolve("zk-password"), SecureZooKeeper.password("operator") + "\n");

      List<String> command =
          log4j2
              ? log4j2Command(zk.getConnectString(), passwordFile)
              : logbackCommand(
                  zk.getConnectString(),
                  """
                  <zkDigestUser>operator</zkDigestUser>
                  <zkDigestPasswordFile>%s</zkDigestPasswordFile>
                  """
                      .formatted(passwordFile),
                  List.of());
      runAndCheck(agent, command, "digest user operator");
    }
  }

  @Test
  void aSaslLoginThroughTheRelocatedLoginModuleDiscoversTheAgents() throws Exception {
    try (SecureZooKeeper zk =
            SecureZooKeeper.start(
                dir, Map.of("authProvider.1", SASLAuthenticationProvider.class.getName()));
        AvroAgent agent = AvroAgent.start()) {
      ZKClientConfig agentLogin = new ZKClientConfig();
      agentLogin.setProperty(ZKClientConfig.ENABLE_CLIENT_SASL_KEY, "true");
      agentLogin.setProperty(ZKClientConfig.LOGIN_CONTEXT_NAME_KEY, "Agent");
      ZkAcls acls =
          new ZkAcls(
              new ZkLayout(ROOT),
              null,
              List.of(new Id("sasl", "monitor")),
              List.of(new Id("sasl", "agent")),
              List.of(new Id("sasl", "operator")));
      try (CuratorFramework writer = client(zk.connectString(), acls, agentLogin, b -> b)) {
        writeLiveNode(writer, agent);
      }
      // the application's own JAAS file, naming the login module by its relocated class
      Path jaas =
          Files.writeString(
              dir.resolve("app-jaas.conf"),
              """
              FlumeLogs {
                io.flumesentinel.appender.shaded.zookeeper.server.auth.DigestLoginModule required
                username="operator"
                password="%s";
              };
              """
                  .formatted(SecureZooKeeper.password("operator")));
      runAndCheck(
          agent,
          logbackCommand(
              zk.connectString(),
              "<zkSaslLoginContext>FlumeLogs</zkSaslLoginContext>",
              List.of("-D" + SecureZooKeeper.JAAS_PROPERTY + "=" + jaas)),
          "SASL login context FlumeLogs");
    }
  }

  private void runAndCheck(AvroAgent agent, List<String> command, String identity)
      throws Exception {
    try (ChildJvm app = ChildJvm.start(command)) {
      app.await("STATS .*", Duration.ofSeconds(60));
      List<String> output = app.output();
      output.stream()
          .filter(l -> l.startsWith("STATS") || l.contains("discovery") || l.contains("agent a1"))
          .forEach(l -> System.out.println("appender jar on a secured registry: " + l));
      assertThat(output)
          .anyMatch(l -> l.contains("discovery connected to ZooKeeper (CONNECTED) as " + identity))
          .noneMatch(l -> l.contains("NoAuth"))
          .noneMatch(l -> l.contains(SecureZooKeeper.password("operator")));
      assertThat(output)
          .filteredOn(l -> l.startsWith("STATS"))
          .singleElement()
          .asString()
          .contains("logged=" + EVENTS + " dropped=0");
      // at least once: a batch whose reply came too late is sent again, with the same numbers
      await()
          .atMost(Duration.ofSeconds(30))
          .until(() -> new LinkedHashSet<>(agent.seqs()).size() >= EVENTS);
      assertThat(new ArrayList<>(new LinkedHashSet<>(agent.seqs())))
          .as("every event, in order, from the discovered agent")
          .isSorted()
          .hasSize(EVENTS);
      assertThat(agent.received())
          .allSatisfy(r -> assertThat(r.headers()).containsEntry(EventHeaders.INSTANCE, "app-1"));
    }
  }

  /** The product's ACLs with digest identities. */
  private static ZkAcls digestAcls() throws Exception {
    return new ZkAcls(
        new ZkLayout(ROOT),
        null,
        List.of(digestId("monitor")),
        List.of(digestId("agent")),
        List.of(digestId("operator")));
  }

  /** A client with {@code acls} and an identity, as an agent's supervisor writes its live node. */
  private static CuratorFramework client(
      String connect,
      ZkAcls acls,
      ZKClientConfig config,
      Function<CuratorFrameworkFactory.Builder, CuratorFrameworkFactory.Builder> identity) {
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

  private static void writeLiveNode(CuratorFramework writer, AvroAgent agent) throws Exception {
    LiveNode live =
        new LiveNode(1, Instant.now(), "", 0, "logs", Map.of("avro", "127.0.0.1:" + agent.port()));
    writer.create().creatingParentsIfNeeded().forPath(ROOT + "/live/a1", live.toBytes());
  }

  private static Id digestId(String user) throws Exception {
    return new Id(
        "digest",
        DigestAuthenticationProvider.generateDigest(user + ":" + SecureZooKeeper.password(user)));
  }

  private List<String> logbackCommand(String connect, String credentials, List<String> jvmOptions)
      throws Exception {
    Path config = dir.resolve("logback-app.xml");
    Files.writeString(
        config,
        """
        <configuration>
          <statusListener class="ch.qos.logback.core.status.OnConsoleStatusListener"/>
          <appender name="FLUME" class="io.flumesentinel.appender.logback.FlumeLogbackAppender">
            <zookeeper>%s</zookeeper>
            <group>logs</group>
            <instanceId>app-1</instanceId>
            %s
            <batchSize>50</batchSize>
            <shutdownTimeoutMs>20000</shutdownTimeoutMs>
            <encoder><pattern>%%msg</pattern></encoder>
          </appender>
          <root level="INFO"><appender-ref ref="FLUME"/></root>
        </configuration>
        """
            .formatted(connect, credentials));
    String classPath =
        String.join(
            File.pathSeparator,
            System.getProperty("flumesentinel.appender.jar"),
            jarOf(ch.qos.logback.classic.Logger.class),
            jarOf(ch.qos.logback.core.Appender.class),
            jarOf(org.slf4j.Logger.class),
            DemoApp.classes(dir.resolve("app-classes"), NumberedEventsApp.class));
    List<String> command = new ArrayList<>(DemoApp.jvm(dir.resolve("app-safepoints.log")));
    command.addAll(jvmOptions);
    command.addAll(
        List.of(
            "-Dlogback.configurationFile=" + config,
            "-cp",
            classPath,
            NumberedEventsApp.class.getName(),
            Integer.toString(EVENTS),
            "200",
            "FLUME"));
    return command;
  }

  private List<String> log4j2Command(String connect, Path passwordFile) throws Exception {
    Path config = dir.resolve("log4j2-app.xml");
    Files.writeString(
        config,
        """
        <Configuration status="info">
          <Appenders>
            <FlumeSentinel name="FLUME" zookeeper="%s" group="logs" instanceId="app-1"
                           zkDigestUser="operator" zkDigestPasswordFile="%s"
                           batchSize="50" shutdownTimeoutMs="20000">
              <PatternLayout pattern="%%msg"/>
            </FlumeSentinel>
          </Appenders>
          <Loggers><Root level="info"><AppenderRef ref="FLUME"/></Root></Loggers>
        </Configuration>
        """
            .formatted(connect, passwordFile));
    String classPath =
        String.join(
            File.pathSeparator,
            System.getProperty("flumesentinel.appender.jar"),
            jarOf(org.apache.logging.log4j.LogManager.class),
            jarOf(org.apache.logging.log4j.core.LoggerContext.class),
            DemoApp.classes(dir.resolve("app-classes"), NumberedEventsLog4j2App.class));
    List<String> command = new ArrayList<>(DemoApp.jvm(dir.resolve("app-safepoints.log")));
    command.addAll(
        List.of(
            "-Dlog4j2.configurationFile=" + config,
            "-cp",
            classPath,
            NumberedEventsLog4j2App.class.getName(),
            Integer.toString(EVENTS),
            "200",
            "FLUME"));
    return command;
  }

  private static String jarOf(Class<?> type) throws Exception {
    return Path.of(type.getProtectionDomain().getCodeSource().getLocation().toURI()).toString();
  }
}
