package io.flumesentinel.metrics;

import static org.awaitility.Awaitility.await;

import io.flumesentinel.config.ConfigLoader;
import io.flumesentinel.config.MonitorConfig;
import io.flumesentinel.monitor.Monitor;
import io.flumesentinel.protocol.AgentNode;
import io.flumesentinel.protocol.ExitRecord;
import io.flumesentinel.protocol.LiveNode;
import io.flumesentinel.protocol.Registration;
import io.flumesentinel.protocol.ZkLayout;
import io.flumesentinel.testing.WebhookReceiver;
import io.flumesentinel.testing.Zk;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.apache.curator.framework.CuratorFramework;
import org.apache.curator.test.TestingServer;
import org.apache.curator.x.async.AsyncCuratorFramework;

/**
 * A whole monitor (the one {@code monitor} starts) with read and write tokens, against a real
 * ZooKeeper and a real webhook receiver, and an agent-side client that registers, runs and crashes
 * agents; {@link #scrape()} reads {@code /metrics} as Prometheus would, with the read token.
 */
final class MetricsMonitor implements AutoCloseable {

  static final Duration WAIT = Duration.ofSeconds(20);
  static final String READ_TOKEN = "metrics-read-token-0123456789abcdef";
  static final String WRITE_TOKEN = "metrics-write-token-0123456789abcdef";

  final TestingServer server;
  final WebhookReceiver receiver;
  final Monitor monitor;
  final CuratorFramework agentSide;
  final Registration agents;
  private final HttpClient http = HttpClient.newHttpClient();

  MetricsMonitor(Path dir) throws Exception {
    server = Zk.server();
    receiver = WebhookReceiver.start();
    Path tokens = dir.resolve("tokens");
    Files.writeString(tokens, "read " + READ_TOKEN + "\nwrite " + WRITE_TOKEN + "\n");
    MonitorConfig config =
        ConfigLoader.parse(
            "zookeeper:\n"
                + "  connect: '"
                + server.getConnectString()
                + "'\n"
                + "http:\n"
                + "  host: 127.0.0.1\n"
                + "  port: 0\n"
                + "  auth: { tokensFile: '"
                + tokens
                + "' }\n"
                + "receivers:\n"
                + "  - name: ops\n"
                + "    type: webhook\n"
                + "    urls: ['"
                + receiver.url()
                + "']\n",
            "monitor.yaml",
            Map.<String, String>of()::get);
    monitor = Monitor.start(config, Clock.systemUTC());
    await().atMost(WAIT).until(monitor.readiness()::ready);
    agentSide = Zk.client(server.getConnectString(), Duration.ofSeconds(5));
    agents = new Registration(AsyncCuratorFramework.wrap(agentSide), ZkLayout.defaults());
  }

  /** Registers agent {@code id} of {@code group} and makes it live. */
  void running(String id, String group) throws Exception {
    agents
        .register(id, AgentNode.of("host-" + id, group, Map.of()))
        .toCompletableFuture()
        .get(10, TimeUnit.SECONDS);
    agents
        .goLive(id, new LiveNode(1, Instant.now(), "", 0))
        .toCompletableFuture()
        .get(10, TimeUnit.SECONDS);
  }

  /** A crash of agent {@code id}, as its supervisor records it. */
  void crash(String id, String group) throws Exception {
    agents
        .recordCrashAndDropLive(
            id,
            AgentNode.of("host-" + id, group, Map.of())
                .withCrash(new ExitRecord(137, "KILL", Instant.now(), "")))
        .toCompletableFuture()
        .get(10, TimeUnit.SECONDS);
  }

  int port() {
    return monitor.httpPort();
  }

  /** {@code GET /metrics} with {@code token} ({@code null}: none). */
  HttpResponse<String> get(String token) throws Exception {
    HttpRequest.Builder request =
        HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port() + "/metrics"))
            .timeout(Duration.ofSeconds(10));
    if (token != null) {
      request.header("Authorization", "Bearer " + token);
    }
    return http.send(request.build(), HttpResponse.BodyHandlers.ofString());
  }

  /** What Prometheus gets. */
  Scrape scrape() throws Exception {
    HttpResponse<String> answer = get(READ_TOKEN);
    if (answer.statusCode() != 200) {
      throw new IllegalStateException("/metrics answered " + answer.statusCode());
    }
    return new Scrape(answer.body());
  }

  @Override
  public void close() throws Exception {
    agentSide.close();
    monitor.close();
    receiver.close();
    server.close();
  }
}
