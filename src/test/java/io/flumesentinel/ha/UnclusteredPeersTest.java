package io.flumesentinel.ha;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import io.flumesentinel.config.ClassifierConfig;
import io.flumesentinel.config.HttpConfig;
import io.flumesentinel.config.MonitorConfig;
import io.flumesentinel.config.ZkConfig;
import io.flumesentinel.monitor.Monitor;
import io.flumesentinel.protocol.ZkLayout;
import io.flumesentinel.testing.Zk;
import io.vertx.core.Vertx;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.apache.curator.framework.CuratorFramework;
import org.apache.curator.test.TestingServer;
import org.apache.curator.x.async.AsyncCuratorFramework;
import org.apache.zookeeper.CreateMode;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

/** Two monitors on one root without cluster mode would both notify: the operator is told. */
class UnclusteredPeersTest {

  private static final Duration WAIT = Duration.ofSeconds(20);

  private final ListAppender<ILoggingEvent> logged = new ListAppender<>();
  private final Logger logger = (Logger) LoggerFactory.getLogger(UnclusteredPeersVerticle.class);

  @BeforeEach
  void captureLog() {
    logged.start();
    logger.addAppender(logged);
  }

  @AfterEach
  void releaseLog() {
    logger.detachAppender(logged);
  }

  @Test
  void aSecondMonitorWithoutClusterModeWarnsThatBothNotify() throws Exception {
    try (TestingServer server = Zk.server();
        Monitor first = Monitor.start(config(server, "/peers"), Clock.systemUTC())) {
      await().atMost(WAIT).until(() -> first.readiness().ready());
      assertThat(warnings()).isEmpty();

      try (Monitor second = Monitor.start(config(server, "/peers"), Clock.systemUTC())) {
        await().atMost(WAIT).until(() -> !warnings().isEmpty());
        assertThat(warnings().get(0))
            .contains("Other monitors watch /peers too")
            .contains("without cluster mode")
            .contains("cluster: true");
      }
    }
  }

  @Test
  void aMonitorAloneOnItsRootSaysNothing() throws Exception {
    try (TestingServer server = Zk.server();
        Monitor alone = Monitor.start(config(server, "/alone"), Clock.systemUTC());
        Monitor elsewhere = Monitor.start(config(server, "/elsewhere"), Clock.systemUTC())) {
      await().atMost(WAIT).until(() -> alone.readiness().ready() && elsewhere.readiness().ready());
      await().during(Duration.ofMillis(500)).atMost(WAIT).until(() -> warnings().isEmpty());
    }
  }

  @Test
  void monitorsInClusterModeOnTheSameRootAreCountedAndTheirDepartureNoted() throws Exception {
    ZkLayout layout = new ZkLayout("/mixed");
    Vertx vertx = Vertx.vertx();
    try (TestingServer server = Zk.server();
        CuratorFramework client = Zk.client(server.getConnectString(), Duration.ofSeconds(5))) {
      vertx
          .deployVerticle(
              new UnclusteredPeersVerticle(
                  AsyncCuratorFramework.wrap(client), layout, "here:1", Duration.ofMillis(100)))
          .await(10, TimeUnit.SECONDS);
      // A monitor in cluster mode takes part in the leader election.
      String participant =
          client
              .create()
              .creatingParentsIfNeeded()
              .withMode(CreateMode.EPHEMERAL_SEQUENTIAL)
              .forPath(layout.monitorLeader() + "/_c_0-latch-");

      await().atMost(WAIT).until(() -> !warnings().isEmpty());
      assertThat(warnings().get(0)).contains("1 in cluster mode");

      client.delete().forPath(participant);
      await()
          .atMost(WAIT)
          .until(
              () ->
                  logged.list.stream()
                      .anyMatch(e -> e.getFormattedMessage().contains("No other monitor")));
    } finally {
      vertx.close().await(10, TimeUnit.SECONDS);
    }
  }

  private List<String> warnings() {
    return logged.list.stream()
        .filter(e -> e.getLevel() == Level.WARN)
        .map(ILoggingEvent::getFormattedMessage)
        .toList();
  }

  private static MonitorConfig config(TestingServer server, String root) {
    ZkConfig defaults = ZkConfig.of(server.getConnectString());
    ZkConfig zk =
        new ZkConfig(
            server.getConnectString(),
            root,
            Duration.ofSeconds(2),
            defaults.connectionTimeout(),
            0,
            Path.of("target", "unused"));
    return new MonitorConfig(
        zk, new HttpConfig("127.0.0.1", 0), ClassifierConfig.defaults(), List.of(), "");
  }
}
