package io.flumesentinel.chaos;

import io.flumesentinel.protocol.AgentNode;
import io.flumesentinel.protocol.ExitRecord;
import io.flumesentinel.protocol.ZkLayout;
import io.flumesentinel.testing.WebhookReceiver;
import io.flumesentinel.testing.Zk;
import io.flumesentinel.testing.ZooKeeperProcess;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.apache.curator.framework.CuratorFramework;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Running agents whose agent nodes each carry the record of an earlier crash with a full 4 KB
 * {@code stderrTail} (a Java stack trace, as the supervisor writes it): together they are far more
 * than ZooKeeper's 1 MB reply limit. The fat jar's monitor must become ready, and when the session
 * holding every live node closes, alert every one of them.
 *
 * <p>{@code -Dchaos.crashRecords.agents=400} sets the number of agents.
 */
@Tag("chaos")
class CrashRecordsChaosIT {

  private static final int AGENTS = Integer.getInteger("chaos.crashRecords.agents", 400);
  private static final Duration READY_WITHIN = Duration.ofSeconds(60);
  private static final Duration ALERTS_WITHIN = Duration.ofSeconds(60);
  private static final ZkLayout LAYOUT = new ZkLayout("/chaos-crash-records");

  @TempDir Path dir;

  @Test
  void agentsWithFourKilobyteCrashRecordsAreWatchedAndAlerted() throws Exception {
    ChaosReport.run(
        "crash-records",
        report -> {
          report.figure("agents", AGENTS);
          List<String> ids = ChaosFleet.ids("crashed-before", AGENTS);
          ExitRecord earlier =
              new ExitRecord(1, null, Instant.now().minus(Duration.ofHours(1)), stackTrace());
          try (ZooKeeperProcess zooKeeper = ZooKeeperProcess.start();
              WebhookReceiver receiver = WebhookReceiver.start();
              CuratorFramework writer =
                  Zk.client(zooKeeper.connectString(), Duration.ofSeconds(30));
              CuratorFramework sessions =
                  Zk.client(zooKeeper.connectString(), Duration.ofSeconds(30))) {
            ChaosFleet.register(writer, LAYOUT, ids, id -> node(id).withCrash(earlier));
            ChaosFleet.goLive(sessions, LAYOUT, ids);
            report.figure("nodeBytes", node(ids.get(0)).withCrash(earlier).toBytes().length);

            try (ChaosMonitor monitor =
                ChaosMonitor.launch(
                    dir,
                    "monitor",
                    ChaosMonitor.Config.of(
                        zooKeeper.connectString(), LAYOUT.root(), receiver.url()),
                    report)) {
              report.millis("ready", monitor.awaitReady(READY_WITHIN));

              long closed = System.nanoTime();
              sessions.close();
              WebhookReceiver.Arrivals arrivals = Waits.allFiring(receiver, ids, ALERTS_WITHIN);
              report.millis("delivered", (arrivals.last() - closed) / 1e6);
              report.figure("alerts", ids.size());
              Waits.holds(
                  "one alert per agent",
                  Duration.ofSeconds(2),
                  () ->
                      receiver.alerts().stream().filter(a -> a.status().equals("firing")).count()
                          == ids.size());
            }
          }
        });
  }

  private static AgentNode node(String id) {
    return AgentNode.of("host-" + id, "ingest", Map.of("dc", "dc1"));
  }

  /** A Java stack trace as a crashed Flume prints it, as long as a stderr tail can be. */
  private static String stackTrace() {
    StringBuilder trace =
        new StringBuilder(
            "Exception in thread \"SinkRunner-PollingRunner-DefaultSinkProcessor\""
                + " org.apache.flume.EventDeliveryException: java.io.IOException: Broken pipe\n");
    for (int frame = 0; trace.length() < ExitRecord.MAX_STDERR_TAIL; frame++) {
      trace
          .append("\tat org.apache.flume.sink.hdfs.BucketWriter$")
          .append(frame)
          .append(".call(BucketWriter.java:")
          .append(100 + frame)
          .append(")\n");
    }
    return trace.substring(0, ExitRecord.MAX_STDERR_TAIL);
  }
}
