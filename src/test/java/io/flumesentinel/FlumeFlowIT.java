package io.flumesentinel;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.withinPercentage;
import static org.awaitility.Awaitility.await;

import io.flumesentinel.protocol.AgentNode;
import io.flumesentinel.protocol.ZkLayout;
import io.flumesentinel.testing.ChildJvm;
import io.flumesentinel.testing.FlumeRuntime;
import io.flumesentinel.testing.Http;
import io.flumesentinel.testing.MonitoredZooKeeper;
import io.flumesentinel.testing.WebhookReceiver;
import io.vertx.core.json.JsonObject;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.avro.ipc.netty.NettyServer;
import org.apache.avro.ipc.specific.SpecificResponder;
import org.apache.curator.framework.CuratorFramework;
import org.apache.flume.source.avro.AvroFlumeEvent;
import org.apache.flume.source.avro.AvroSourceProtocol;
import org.apache.flume.source.avro.Status;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The flow checks against a real Apache Flume 1.11.0 under the fat jar's supervisor, watched by the
 * fat jar's monitor: a netcat source r1 fed by the test at a steady 20 events a second into a
 * memory channel of 600, drained by an Avro sink k1 pointing at a port where nothing listens; an
 * Avro source r2 expected to receive, that nobody feeds.
 *
 * <p>The webhook gets FlumeSinkStalled for k1 carrying the sink's error lines, FlumeSourceIdle for
 * r2, and FlumeChannelFilling for c1 before the channel is full, whose predicted time to full is
 * within 20 % of the time it then takes; once an Avro endpoint listens on the port, the sink drains
 * and FlumeSinkStalled resolves.
 */
@Tag("extended")
class FlumeFlowIT {

  private static final ZkLayout LAYOUT = ZkLayout.defaults();
  private static final int CAPACITY = 600;
  private static final int EVENTS_PER_SECOND = 20;

  @TempDir Path dir;

  private final HttpClient http =
      HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

  @Test
  void aDeadAvroEndpointStallsTheSinkAndFillsTheChannelAndAQuietSourceIsIdle() throws Exception {
    long started = System.nanoTime();
    int netcatPort = Http.freePort();
    int avroPort = Http.freePort();
    Map<String, String> ports =
        Map.of(
            "NETCAT_PORT", Integer.toString(netcatPort),
            "IDLE_PORT", Integer.toString(Http.freePort()),
            "AVRO_PORT", Integer.toString(avroPort));
    try (FlumeRuntime flume = FlumeRuntime.prepare(dir, "/flume/agent-flow.conf", ports);
        MonitoredZooKeeper setting = MonitoredZooKeeper.launch(dir)) {
      ChildJvm supervisor =
          flume.supervise(
              setting.connect(),
              "--flume-metrics",
              flume.metricsUrl(),
              "--health-interval-ms",
              "500",
              "--stuck-for-ms",
              "600000",
              "--sink-stalled-for-ms",
              "5000",
              "--source-idle",
              "r2",
              "--source-idle-for-ms",
              "5000",
              "--fill-trend-window-ms",
              "10000",
              "--fill-full-within-ms",
              "20000",
              "--errors-quiet-ms",
              "5000");
      try {
        checkFlow(flume, setting, netcatPort, avroPort);
      } catch (AssertionError | RuntimeException e) {
        List<String> output = supervisor.output();
        System.out.println(
            "The supervisor's output, last lines:\n"
                + String.join(
                    "\n", output.subList(Math.max(0, output.size() - 400), output.size())));
        throw e;
      }
      assertThat(supervisor.stop(Duration.ofSeconds(20))).isIn(0, 143);
    }
    System.out.printf(
        "FlumeFlowIT took %d s%n", TimeUnit.NANOSECONDS.toSeconds(System.nanoTime() - started));
  }

  private void checkFlow(
      FlumeRuntime flume, MonitoredZooKeeper setting, int netcatPort, int avroPort)
      throws Exception {
    setting.monitor().awaitReady();
    CuratorFramework client = setting.client();
    WebhookReceiver receiver = setting.receiver();
    flume.awaitLive(client, -1);
    await()
        .atMost(Duration.ofSeconds(90))
        .pollInterval(Duration.ofMillis(200))
        .until(() -> channelSize(flume) >= 0);

    try (Feeder feeder = Feeder.start(netcatPort, EVENTS_PER_SECOND)) {
      // the sink: stalled, with its own error lines
      WebhookReceiver.Received stalled = awaitAlert(receiver, "FlumeSinkStalled", "firing");
      System.out.println("FlumeSinkStalled: " + stalled.alert().encode());
      assertThat(label(stalled, "component")).isEqualTo("k1");
      assertThat(label(stalled, "group")).isEqualTo("flume");
      assertThat(stalled.annotation("channel")).isEqualTo("c1");
      assertThat(Long.parseLong(stalled.annotation("channelSize"))).isPositive();
      assertThat(stalled.annotation("EventDrainSuccessCount")).isEqualTo("0");
      assertThat(stalled.annotation("summary")).contains("sink k1 drained nothing");
      assertThat(stalled.annotation("errorLines"))
          .contains("Connection refused")
          .containsAnyOf("Unable to deliver event", "Unable to create Rpc client");

      // the source nobody feeds: idle; the one fed is not
      WebhookReceiver.Received idle = awaitAlert(receiver, "FlumeSourceIdle", "firing");
      assertThat(label(idle, "component")).isEqualTo("r2");
      assertThat(Double.parseDouble(idle.annotation("idleForSeconds"))).isGreaterThanOrEqualTo(5);

      // the channel: filling, announced before it is full, with a time to full that holds
      WebhookReceiver.Received filling = awaitAlert(receiver, "FlumeChannelFilling", "firing");
      long sizeWhenAnnounced = channelSize(flume);
      assertThat(sizeWhenAnnounced).as("channel size when announced").isLessThan(CAPACITY);
      assertThat(label(filling, "component")).isEqualTo("c1");
      Instant raisedAt = Instant.parse(filling.annotation("since"));
      long predictedSeconds = Long.parseLong(filling.annotation("predictedFullInSeconds"));
      await()
          .atMost(Duration.ofSeconds(120))
          .pollInterval(Duration.ofMillis(100))
          .until(() -> channelSize(flume) >= CAPACITY);
      double realSeconds = Duration.between(raisedAt, Instant.now()).toMillis() / 1000.0;
      System.out.printf(
          "FlumeChannelFilling: predicted full in %d s, full %.1f s after (%s; %d of %d events"
              + " when the alert arrived)%n",
          predictedSeconds,
          realSeconds,
          filling.annotation("summary"),
          sizeWhenAnnounced,
          CAPACITY);
      assertThat((double) predictedSeconds).isCloseTo(realSeconds, withinPercentage(20));
      assertThat(receiver.alertsFor("a1"))
          .filteredOn(a -> "FlumeSourceIdle".equals(label(a, "alertname")))
          .extracting(a -> label(a, "component"))
          .containsOnly("r2");
    }

    // the endpoint comes up: the sink drains, its alert resolves
    try (AvroEndpoint endpoint = AvroEndpoint.start(avroPort)) {
      WebhookReceiver.Received recovered = awaitAlert(receiver, "FlumeSinkStalled", "resolved");
      assertThat(recovered.annotation("resolution")).isEqualTo("RECOVERED");
      assertThat(label(recovered, "component")).isEqualTo("k1");
      assertThat(endpoint.received()).isPositive();
      AgentNode node = AgentNode.parse(client.getData().forPath(LAYOUT.agent("a1")));
      assertThat(node.health().flow())
          .noneMatch(v -> v.component().equals("k1") && v.check().name().equals("SINK_STALLED"));
    }
  }

  private static WebhookReceiver.Received awaitAlert(
      WebhookReceiver receiver, String alertname, String status) {
    await()
        .atMost(Duration.ofSeconds(120))
        .pollInterval(Duration.ofMillis(100))
        .until(() -> find(receiver, alertname, status) != null);
    return find(receiver, alertname, status);
  }

  private static WebhookReceiver.Received find(
      WebhookReceiver receiver, String alertname, String status) {
    List<WebhookReceiver.Received> alerts = receiver.alertsFor("a1");
    return alerts.stream()
        .filter(a -> alertname.equals(label(a, "alertname")) && status.equals(a.status()))
        .findFirst()
        .orElse(null);
  }

  private static String label(WebhookReceiver.Received alert, String name) {
    return alert.alert().getJsonObject("labels").getString(name);
  }

  /** The size of channel c1 as Flume's metrics say now; -1 when they do not answer. */
  private long channelSize(FlumeRuntime flume) {
    try {
      HttpResponse<String> response =
          http.send(
              HttpRequest.newBuilder(URI.create(flume.metricsUrl()))
                  .timeout(Duration.ofSeconds(2))
                  .build(),
              HttpResponse.BodyHandlers.ofString());
      JsonObject channel = new JsonObject(response.body()).getJsonObject("CHANNEL.c1");
      return channel == null ? -1 : Long.parseLong(channel.getString("ChannelSize"));
    } catch (IOException | RuntimeException e) {
      return -1;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return -1;
    }
  }

  /**
   * Sends one line to a netcat source every 1/rate seconds (catching up after a pause, so the rate
   * holds on average), reading each acknowledgement.
   */
  private static final class Feeder implements AutoCloseable {
    private final Socket socket;
    private final ScheduledExecutorService executor = Executors.newSingleThreadScheduledExecutor();
    private final AtomicLong sent = new AtomicLong();

    private Feeder(int port, int perSecond) throws IOException {
      socket = new Socket();
      socket.connect(new InetSocketAddress("127.0.0.1", port), 5000);
      socket.setSoTimeout(5000);
      OutputStream out = socket.getOutputStream();
      BufferedReader acks =
          new BufferedReader(
              new InputStreamReader(socket.getInputStream(), StandardCharsets.UTF_8));
      executor.scheduleAtFixedRate(
          () -> {
            try {
              out.write(
                  ("event " + sent.incrementAndGet() + "\n").getBytes(StandardCharsets.UTF_8));
              out.flush();
              acks.readLine();
            } catch (IOException e) {
              throw new java.io.UncheckedIOException(e);
            }
          },
          0,
          1_000_000 / perSecond,
          TimeUnit.MICROSECONDS);
    }

    static Feeder start(int port, int perSecond) throws IOException {
      return new Feeder(port, perSecond);
    }

    @Override
    public void close() throws IOException {
      executor.shutdownNow();
      socket.close();
    }
  }

  /** A real Avro RPC server speaking Flume's Avro source protocol, counting the events it gets. */
  private static final class AvroEndpoint implements AutoCloseable, AvroSourceProtocol {
    private final AtomicLong received = new AtomicLong();
    private final NettyServer server;

    private AvroEndpoint(int port) throws InterruptedException {
      server =
          new NettyServer(
              new SpecificResponder(AvroSourceProtocol.class, this),
              new InetSocketAddress("127.0.0.1", port));
      server.start();
    }

    static AvroEndpoint start(int port) throws InterruptedException {
      return new AvroEndpoint(port);
    }

    long received() {
      return received.get();
    }

    @Override
    public Status append(AvroFlumeEvent event) {
      received.incrementAndGet();
      return Status.OK;
    }

    @Override
    public Status appendBatch(List<AvroFlumeEvent> events) {
      received.addAndGet(events.size());
      return Status.OK;
    }

    @Override
    public void close() {
      server.close();
    }
  }
}
