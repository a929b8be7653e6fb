package io.flumesentinel;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.flumesentinel.config.HttpConfig;
import io.flumesentinel.http.AgentsApi;
import io.flumesentinel.http.HttpServerVerticle;
import io.flumesentinel.http.ReadApi;
import io.flumesentinel.http.Routes;
import io.flumesentinel.protocol.LiveNode;
import io.flumesentinel.supervisor.RestartPolicy;
import io.flumesentinel.supervisor.Supervisor;
import io.flumesentinel.supervisor.SupervisorConfig;
import io.flumesentinel.testing.CoreTestBase;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

/**
 * Three agents supervised by real supervisors, each running a real process, and a monitor with its
 * HTTP API: {@code GET /api/agents} and {@code flume-sentinel agents} list all three, and once one
 * process is killed with SIGKILL both show that one DOWN within a second.
 */
class AgentsAcceptanceTest extends CoreTestBase {

  /** The acceptance bound: the killed agent shows DOWN this soon after the kill. */
  private static final Duration DOWN_WITHIN = Duration.ofSeconds(1);

  private final List<Supervisor> supervisors = new ArrayList<>();
  private final List<Long> pids = new ArrayList<>();
  private final HttpClient client = HttpClient.newHttpClient();
  private int port;

  @AfterEach
  void stopSupervisors() throws Exception {
    for (Supervisor supervisor : supervisors) {
      supervisor.stop();
      supervisor.exitStatus().get(30, TimeUnit.SECONDS);
    }
    for (long pid : pids) {
      ProcessHandle.of(pid).ifPresent(ProcessHandle::destroyForcibly);
    }
  }

  @Test
  void theApiAndTheCommandListThreeSupervisedAgentsAndShowAKilledOneDown() throws Exception {
    startMonitor();
    HttpServerVerticle http =
        new HttpServerVerticle(
            new HttpConfig("127.0.0.1", 0),
            monitor.readiness,
            JsonObject::new,
            Routes.all(
                new ReadApi(monitor.client, layout, monitor.silences, monitor.acks),
                new AgentsApi(monitor.client, layout, monitor.silences, monitor.acks)));
    monitor.vertx.deployVerticle(http).await(10, TimeUnit.SECONDS);
    port = http.actualPort();
    Map<String, Long> pidOf = new LinkedHashMap<>();
    for (String id : List.of("s1", "s2", "s3")) {
      supervise(id);
    }
    for (String id : List.of("s1", "s2", "s3")) {
      pidOf.put(id, awaitLive(id));
    }

    await()
        .atMost(WAIT)
        .until(() -> states(api()).equals(Map.of("s1", "UP", "s2", "UP", "s3", "UP")));
    assertThat(states(cli())).isEqualTo(Map.of("s1", "UP", "s2", "UP", "s3", "UP"));
    JsonObject s2 = api().getJsonObject(1);
    assertThat(s2.getString("host")).isEqualTo("host-t");
    assertThat(s2.getString("group")).isEqualTo("tests");
    assertThat(s2.getJsonObject("labels").getString("dc")).isEqualTo("east");

    ProcessHandle.of(pidOf.get("s2")).orElseThrow().destroyForcibly();

    await()
        .atMost(DOWN_WITHIN)
        .pollInterval(Duration.ofMillis(10))
        .until(() -> "DOWN".equals(states(api()).get("s2")));
    assertThat(states(cli())).isEqualTo(Map.of("s1", "UP", "s2", "DOWN", "s3", "UP"));
    JsonObject down = api().getJsonObject(1);
    assertThat(down.getLong("crashCount")).isEqualTo(1);
    assertThat(down.getJsonObject("lastExit").getString("signal")).isEqualTo("KILL");
    assertThat(states(api())).isEqualTo(Map.of("s1", "UP", "s2", "DOWN", "s3", "UP"));
    // The monitor classifies the crash: its alert shows with the agent.
    await().atMost(WAIT).until(() -> !api().getJsonObject(1).getJsonArray("firing").isEmpty());
    JsonObject firing = api().getJsonObject(1).getJsonArray("firing").getJsonObject(0);
    assertThat(firing.getString("alertname")).isEqualTo("FlumeAgentDown");
    assertThat(firing.getString("status")).isEqualTo("firing");
    assertThat(firing.getString("fingerprint")).hasSize(16);
    assertThat(api().getJsonObject(1).getBoolean("acknowledged")).isFalse();
  }

  private void supervise(String id) {
    SupervisorConfig config =
        new SupervisorConfig(
            server.getConnectString(),
            layout,
            id,
            "host-t",
            "tests",
            Map.of("dc", "east"),
            "1.0",
            List.of("sleep", "600"),
            new RestartPolicy.Settings(
                RestartPolicy.Mode.NO,
                Duration.ofSeconds(1),
                2.0,
                Duration.ofSeconds(1),
                Duration.ofSeconds(30),
                5,
                Duration.ofMinutes(1)),
            Duration.ofSeconds(5),
            Duration.ofSeconds(10),
            Duration.ofSeconds(3),
            Supervisor.setprivAvailable(),
            null);
    supervisors.add(Supervisor.start(config, Clock.systemUTC()));
  }

  private long awaitLive(String id) throws Exception {
    await().atMost(WAIT).until(() -> agentSide.checkExists().forPath(layout.live(id)) != null);
    long pid = LiveNode.parse(agentSide.getData().forPath(layout.live(id))).pid();
    pids.add(pid);
    return pid;
  }

  /** {@code GET /api/agents}; the first request of a cold JVM may take a few seconds. */
  private JsonArray api() throws Exception {
    HttpResponse<String> response =
        client.send(
            HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/api/agents"))
                .timeout(WAIT)
                .build(),
            HttpResponse.BodyHandlers.ofString());
    assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
    return new JsonArray(response.body());
  }

  private JsonArray cli() {
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    CommandLine commandLine = FlumeSentinel.commandLine(config -> {});
    commandLine.setOut(new PrintWriter(out, true));
    commandLine.setErr(new PrintWriter(err, true));
    int status =
        commandLine.execute(
            "agents", "--zk", server.getConnectString(), "--root", layout.root(), "--json");
    assertThat(status).as(err.toString()).isZero();
    return new JsonArray(out.toString());
  }

  /** Agent id → state, in the order listed. */
  private static Map<String, String> states(JsonArray agents) {
    Map<String, String> states = new LinkedHashMap<>();
    for (int i = 0; i < agents.size(); i++) {
      states.put(
          agents.getJsonObject(i).getString("id"), agents.getJsonObject(i).getString("state"));
    }
    return states;
  }
}
