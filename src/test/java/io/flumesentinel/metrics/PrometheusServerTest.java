package io.flumesentinel.metrics;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.flumesentinel.testing.Http;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.io.File;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code /metrics} against the real Prometheus tools (Debian's {@code prometheus} package): {@code
 * promtool check metrics} accepts a scrape, {@code promtool check rules} the shipped rules, and a
 * real Prometheus server scrapes a monitor with its read token, answers queries for the agents by
 * state, and loads and evaluates the shipped rules. Tagged {@code prometheus}: runs with {@code mvn
 * -Pprometheus test}, which needs {@code promtool} and {@code prometheus} on the PATH.
 */
@Tag("prometheus")
class PrometheusServerTest {

  private static final Duration PROMETHEUS_WAIT = Duration.ofSeconds(60);

  @TempDir Path dir;
  private MetricsMonitor m;
  private Process prometheus;
  private Path prometheusLog;
  private final HttpClient http = HttpClient.newHttpClient();

  @BeforeEach
  void start() throws Exception {
    m = new MetricsMonitor(dir);
    m.running("a1", "ingest");
    m.running("a2", "ingest");
    m.running("w1", "web");
    m.crash("a2", "ingest");
    await()
        .atMost(MetricsMonitor.WAIT)
        .until(
            () -> m.scrape().value("flume_sentinel_agents", "group", "ingest", "state", "DOWN"),
            v -> v != null && v == 1.0);
  }

  @AfterEach
  void stop() throws Exception {
    try {
      if (prometheus != null) {
        prometheus.destroy();
        if (!prometheus.waitFor(20, TimeUnit.SECONDS)) {
          prometheus.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
        }
      }
    } finally {
      if (m != null) {
        m.close();
      }
    }
  }

  @Test
  void promtoolAcceptsTheScrapeAndTheShippedRules() throws Exception {
    Path scrape = dir.resolve("scrape.txt");
    Files.writeString(scrape, m.scrape().text);
    Run metrics = run(scrape, tool("promtool"), "check", "metrics");
    assertThat(metrics.exit()).as(metrics.output()).isZero();
    assertThat(metrics.output()).as("promtool's lint says nothing").isBlank();

    Run rules =
        run(
            null,
            tool("promtool"),
            "check",
            "rules",
            ShippedFiles.RULES.toAbsolutePath().toString());
    assertThat(rules.exit()).as(rules.output()).isZero();
    assertThat(rules.output()).contains("SUCCESS: " + ShippedFiles.alertNames().size() + " rules");
  }

  @Test
  void prometheusScrapesTheAgentsByStateAndEvaluatesTheShippedRules() throws Exception {
    int port = Http.freePort();
    startPrometheus(port);

    await()
        .atMost(PROMETHEUS_WAIT)
        .pollInterval(Duration.ofMillis(500))
        .ignoreExceptions()
        .untilAsserted(
            () -> {
              Map<String, String> byGroupAndState =
                  series(query(port, "flume_sentinel_agents"), "group", "state");
              assertThat(byGroupAndState)
                  .containsEntry("ingest/UP", "1")
                  .containsEntry("ingest/DOWN", "1")
                  .containsEntry("web/UP", "1")
                  .containsEntry("web/DOWN", "0");
            });
    assertThat(series(query(port, "up{job=\"flume-sentinel\"}"), "instance"))
        .containsEntry("127.0.0.1:" + m.port(), "1");

    await()
        .atMost(PROMETHEUS_WAIT)
        .pollInterval(Duration.ofMillis(500))
        .ignoreExceptions()
        .untilAsserted(
            () -> {
              JsonArray groups =
                  get(port, "/api/v1/rules").getJsonObject("data").getJsonArray("groups");
              List<String> names = new ArrayList<>();
              for (Object group : groups) {
                for (Object rule : ((JsonObject) group).getJsonArray("rules")) {
                  JsonObject r = (JsonObject) rule;
                  assertThat(r.getString("health")).as(r.getString("name")).isEqualTo("ok");
                  names.add(r.getString("name"));
                }
              }
              assertThat(names).containsExactlyElementsOf(ShippedFiles.alertNames());
            });
    // Half of group ingest is down: the ratio rule is pending (it fires after 5 minutes).
    await()
        .atMost(PROMETHEUS_WAIT)
        .pollInterval(Duration.ofMillis(500))
        .ignoreExceptions()
        .untilAsserted(
            () -> {
              JsonArray alerts =
                  get(port, "/api/v1/alerts").getJsonObject("data").getJsonArray("alerts");
              assertThat(alerts.stream().map(JsonObject.class::cast))
                  .anySatisfy(
                      alert -> {
                        JsonObject labels = alert.getJsonObject("labels");
                        assertThat(labels.getString("alertname")).isEqualTo("FlumeAgentsDownRatio");
                        assertThat(labels.getString("group")).isEqualTo("ingest");
                        assertThat(alert.getString("state")).isEqualTo("pending");
                      });
            });
  }

  private void startPrometheus(int port) throws Exception {
    Path config = dir.resolve("prometheus.yml");
    Files.writeString(
        config,
        "global:\n"
            + "  scrape_interval: 1s\n"
            + "  evaluation_interval: 1s\n"
            + "rule_files:\n"
            + "  - '"
            + ShippedFiles.RULES.toAbsolutePath()
            + "'\n"
            + "scrape_configs:\n"
            + "  - job_name: flume-sentinel\n"
            + "    authorization:\n"
            + "      credentials: '"
            + MetricsMonitor.READ_TOKEN
            + "'\n"
            + "    static_configs:\n"
            + "      - targets: ['127.0.0.1:"
            + m.port()
            + "']\n");
    Path data = Files.createDirectories(dir.resolve("tsdb"));
    prometheusLog = dir.resolve("prometheus.log");
    prometheus =
        new ProcessBuilder(
                tool("prometheus"),
                "--config.file=" + config,
                "--storage.tsdb.path=" + data,
                "--web.listen-address=127.0.0.1:" + port)
            .redirectErrorStream(true)
            .redirectOutput(prometheusLog.toFile())
            .start();
  }

  private JsonArray query(int port, String promql) throws Exception {
    JsonObject answer =
        get(port, "/api/v1/query?query=" + URLEncoder.encode(promql, StandardCharsets.UTF_8));
    assertThat(answer.getString("status")).isEqualTo("success");
    return answer.getJsonObject("data").getJsonArray("result");
  }

  /** Each series' value, keyed by the values of {@code labels} joined with "/". */
  private static Map<String, String> series(JsonArray result, String... labels) {
    Map<String, String> values = new HashMap<>();
    for (Object item : result) {
      JsonObject series = (JsonObject) item;
      List<String> key = new ArrayList<>();
      for (String label : labels) {
        key.add(series.getJsonObject("metric").getString(label));
      }
      values.put(String.join("/", key), series.getJsonArray("value").getString(1));
    }
    return values;
  }

  private JsonObject get(int port, String pathAndQuery) throws Exception {
    if (!prometheus.isAlive()) {
      throw new AssertionError("prometheus exited: " + Files.readString(prometheusLog));
    }
    HttpResponse<String> answer =
        http.send(
            HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + pathAndQuery))
                .timeout(Duration.ofSeconds(5))
                .build(),
            HttpResponse.BodyHandlers.ofString());
    return new JsonObject(answer.body());
  }

  private record Run(int exit, String output) {}

  private Run run(Path stdin, String... command) throws Exception {
    Path output = dir.resolve("command-" + System.nanoTime() + ".out");
    ProcessBuilder builder =
        new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(output.toFile());
    builder.redirectInput(
        stdin == null
            ? ProcessBuilder.Redirect.from(new File("/dev/null"))
            : ProcessBuilder.Redirect.from(stdin.toFile()));
    Process process = builder.start();
    if (!process.waitFor(60, TimeUnit.SECONDS)) {
      process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
      throw new AssertionError(String.join(" ", command) + " did not finish within 60 s");
    }
    return new Run(process.exitValue(), Files.readString(output));
  }

  /** The tool on the PATH; fails naming the package when it is not installed. */
  private static String tool(String name) {
    for (String directory : System.getenv().getOrDefault("PATH", "").split(File.pathSeparator)) {
      File file = new File(directory, name);
      if (file.canExecute()) {
        return file.getAbsolutePath();
      }
    }
    throw new AssertionError(
        name
            + " is not on the PATH: install Debian's prometheus package (apt-get install -y prometheus)");
  }
}
