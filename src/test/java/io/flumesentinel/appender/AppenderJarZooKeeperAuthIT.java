package io.flumesentinel.appender;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.flumesentinel.appender.demo.DemoApp;
import io.flumesentinel.appender.demo.NumberedEventsApp;
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
import java.util.List;
import java.util.Map;
import org.apache.curator.framework.CuratorFramework;
import org.apache.curator.framework.CuratorFrameworkFactory;
import org.apache.curator.retry.ExponentialBackoffRetry;
import org.apache.curator.test.TestingServer;
import org.apache.zookeeper.KeeperException;
import org.apache.zookeeper.data.Id;
import org.apache.zookeeper.server.auth.DigestAuthenticationProvider;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The {@code zk*} settings through the built {@code flume-sentinel-appender.jar}: an application
 * whose class path is only Logback and that jar finds the agents of its group on a real ZooKeeper
 * whose live nodes carry the product's ACLs (written by an agent identity, readable by the monitor,
 * agent and operator identities only), logging in with an operator's digest credentials whose
 * password is read from a file; so the relocated ZooKeeper client and Curator carry the
 * credentials. No static agent is configured: every event that arrives came through discovery.
 */
@Tag("extended")
class AppenderJarZooKeeperAuthIT {

  private static final String ROOT = "/flume-sentinel";
  private static final int EVENTS = 300;

  @TempDir Path dir;

  @Test
  void anApplicationWithOnlyLogbackAndTheJarDiscoversTheAgentsOfASecuredRegistry()
      throws Exception {
    try (TestingServer zk = Zk.server();
        AvroAgent agent = AvroAgent.start();
        CuratorFramework writer = agentIdentity(zk.getConnectString())) {
      LiveNode live =
          new LiveNode(
              1, Instant.now(), "", 0, "logs", Map.of("avro", "127.0.0.1:" + agent.port()));
      writer.create().creatingParentsIfNeeded().forPath(ROOT + "/live/a1", live.toBytes());
      try (CuratorFramework anonymous = Zk.client(zk.getConnectString(), Duration.ofSeconds(10))) {
        assertThatThrownBy(() -> anonymous.getData().forPath(ROOT + "/live/a1"))
            .as("the live node is closed to a client without an identity")
            .isInstanceOf(KeeperException.NoAuthException.class);
      }
      Path passwordFile =
          Files.writeString(
              dir.resolve("zk-password"), SecureZooKeeper.password("operator") + "\n");

      try (ChildJvm app = ChildJvm.start(appCommand(zk.getConnectString(), passwordFile))) {
        app.await("STATS .*", Duration.ofSeconds(60));
        List<String> output = app.output();
        output.stream()
            .filter(l -> l.startsWith("STATS") || l.contains("FlumeLogbackAppender"))
            .forEach(l -> System.out.println("appender jar on a secured registry: " + l));
        assertThat(output)
            .anyMatch(
                l ->
                    l.contains(
                        "discovery connected to ZooKeeper (CONNECTED) as digest user operator"))
            .noneMatch(l -> l.contains("NoAuth"))
            .noneMatch(l -> l.contains(SecureZooKeeper.password("operator")));
        assertThat(output)
            .filteredOn(l -> l.startsWith("STATS"))
            .singleElement()
            .asString()
            .contains("logged=" + EVENTS + " dropped=0");
        await().atMost(Duration.ofSeconds(30)).until(() -> agent.seqs().size() >= EVENTS);
        assertThat(agent.seqs())
            .as("every event, in order, from the discovered agent")
            .isSorted()
            .hasSize(EVENTS);
        assertThat(agent.received())
            .allSatisfy(r -> assertThat(r.headers()).containsEntry(EventHeaders.INSTANCE, "app-1"));
      }
    }
  }

  /** The product's ACLs with digest identities; the live node written as an agent writes it. */
  private static CuratorFramework agentIdentity(String connect) throws Exception {
    ZkAcls acls =
        new ZkAcls(
            new ZkLayout(ROOT),
            null,
            List.of(digestId("monitor")),
            List.of(digestId("agent")),
            List.of(digestId("operator")));
    CuratorFramework client =
        CuratorFrameworkFactory.builder()
            .connectString(connect)
            .sessionTimeoutMs(10_000)
            .connectionTimeoutMs(5000)
            .retryPolicy(new ExponentialBackoffRetry(50, 3))
            .aclProvider(acls)
            .authorization(
                "digest",
                ("agent:" + SecureZooKeeper.password("agent")).getBytes(StandardCharsets.UTF_8))
            .build();
    client.start();
    return client;
  }

  private static Id digestId(String user) throws Exception {
    return new Id(
        "digest",
        DigestAuthenticationProvider.generateDigest(user + ":" + SecureZooKeeper.password(user)));
  }

  private List<String> appCommand(String connect, Path passwordFile) throws Exception {
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
            <zkDigestUser>operator</zkDigestUser>
            <zkDigestPasswordFile>%s</zkDigestPasswordFile>
            <batchSize>50</batchSize>
            <shutdownTimeoutMs>20000</shutdownTimeoutMs>
            <encoder><pattern>%%msg</pattern></encoder>
          </appender>
          <root level="INFO"><appender-ref ref="FLUME"/></root>
        </configuration>
        """
            .formatted(connect, passwordFile));
    String classPath =
        String.join(
            File.pathSeparator,
            System.getProperty("flumesentinel.appender.jar"),
            jarOf(ch.qos.logback.classic.Logger.class),
            jarOf(ch.qos.logback.core.Appender.class),
            jarOf(org.slf4j.Logger.class),
            DemoApp.classes(dir.resolve("app-classes"), NumberedEventsApp.class));
    List<String> command = new ArrayList<>(DemoApp.jvm(dir.resolve("app-safepoints.log")));
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

  private static String jarOf(Class<?> type) throws Exception {
    return Path.of(type.getProtectionDomain().getCodeSource().getLocation().toURI()).toString();
  }
}
