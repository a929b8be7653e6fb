package io.flumesentinel.http;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.flumesentinel.config.HttpConfig;
import io.flumesentinel.protocol.AgentNode;
import io.flumesentinel.protocol.ExitRecord;
import io.flumesentinel.protocol.LiveNode;
import io.flumesentinel.testing.CoreTestBase;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * {@code GET /api/agents} against a real monitor on a real ZooKeeper: five agents of two groups and
 * hosts, one crashed; filters, pages, and the silenced and acknowledged flags as the write API sets
 * them.
 */
class AgentsApiTest extends CoreTestBase {

  private static final Pattern NEXT = Pattern.compile("<([^>]+)>; rel=\"next\"");
  private HttpCalls http;

  @BeforeEach
  void start() throws Exception {
    startMonitor();
    HttpServerVerticle server =
        new HttpServerVerticle(
            new HttpConfig("127.0.0.1", 0),
            monitor.readiness,
            JsonObject::new,
            Routes.all(
                new ReadApi(monitor.client, layout, monitor.silences, monitor.acks),
                new AgentsApi(monitor.client, layout, monitor.silences, monitor.acks),
                new WriteApi(monitor.client, layout, monitor.silences)));
    monitor.vertx.deployVerticle(server).await(10, TimeUnit.SECONDS);
    http = new HttpCalls(monitor.vertx.createHttpClient(), server.actualPort());
    run("a1", "h1", "ingest");
    run("a2", "h1", "ingest");
    run("a3", "h2", "ingest");
    run("b1", "h2", "egress");
    run("b2", "h3", "egress");
    agents
        .recordCrashAndDropLive(
            "a2",
            AgentNode.of("h1", "ingest", Map.of("dc", "eu"))
                .withCrash(new ExitRecord(137, null, Instant.parse("2026-11-30T07:00:00Z"), "")))
        .toCompletableFuture()
        .get(5, TimeUnit.SECONDS);
    await().atMost(WAIT).until(() -> !firing("a2").isEmpty());
  }

  private void run(String id, String host, String group) throws Exception {
    agents
        .register(id, AgentNode.of(host, group, Map.of("dc", "eu")))
        .toCompletableFuture()
        .get(5, TimeUnit.SECONDS);
    agents
        .goLive(id, new LiveNode(7, Instant.now(), "1.11.0", 0))
        .toCompletableFuture()
        .get(5, TimeUnit.SECONDS);
  }

  @Test
  void everyAgentIsListedByIdInTheSharedShape() throws Exception {
    HttpCalls.Answer answer = http.get("/api/agents", null);
    assertThat(answer.status()).isEqualTo(200);
    assertThat(answer.header("x-total-count")).isEqualTo("5");
    assertThat(answer.header("link")).isNull();
    JsonArray agents = new JsonArray(answer.body());
    assertThat(ids(agents)).containsExactly("a1", "a2", "a3", "b1", "b2");
    JsonObject a2 = agents.getJsonObject(1);
    assertThat(a2.fieldNames())
        .containsExactlyInAnyOrder(
            "id",
            "host",
            "group",
            "labels",
            "state",
            "since",
            "crashCount",
            "lastExit",
            "health",
            "resources",
            "firing",
            "silenced",
            "acknowledged");
    assertThat(a2.getString("state")).isEqualTo("DOWN");
    assertThat(a2.getString("since")).isEqualTo("2026-11-30T07:00:00Z");
    assertThat(a2.getJsonObject("lastExit").getInteger("code")).isEqualTo(137);
    assertThat(a2.getJsonObject("lastExit").getValue("signal")).isNull();
    JsonObject alert = a2.getJsonArray("firing").getJsonObject(0);
    assertThat(alert.fieldNames())
        .containsExactlyInAnyOrder("alertname", "fingerprint", "status", "startsAt");
    assertThat(alert.getString("alertname")).isEqualTo("FlumeAgentDown");
    assertThat(a2.getBoolean("silenced")).isFalse();
    assertThat(a2.getBoolean("acknowledged")).isFalse();
    JsonObject a1 = agents.getJsonObject(0);
    assertThat(a1.getString("state")).isEqualTo("UP");
    assertThat(a1.getJsonArray("firing")).isEmpty();
    assertThat(a1.getJsonObject("labels").getString("dc")).isEqualTo("eu");
  }

  @Test
  void groupHostAndStateFilterAndABadStateIs400() throws Exception {
    assertThat(ids(get("/api/agents?group=egress"))).containsExactly("b1", "b2");
    assertThat(ids(get("/api/agents?host=h2"))).containsExactly("a3", "b1");
    assertThat(ids(get("/api/agents?state=down"))).containsExactly("a2");
    assertThat(ids(get("/api/agents?group=ingest&state=UP,STUCK"))).containsExactly("a1", "a3");
    assertThat(ids(get("/api/agents?state=DOWN&state=UP&host=h1"))).containsExactly("a1", "a2");
    HttpCalls.Answer bad = http.get("/api/agents?state=SLEEPY", null);
    assertThat(bad.status()).isEqualTo(400);
    assertThat(new JsonObject(bad.body()).getString("error"))
        .isEqualTo("state must be one of UP, STUCK, HUNG, DOWN, not 'SLEEPY'");
    assertThat(http.get("/api/agents?limit=0", null).status()).isEqualTo(400);
    assertThat(http.get("/api/agents?cursor=%25%25", null).status()).isEqualTo(400);
  }

  @Test
  void pagesFollowTheLinkWithTheSameFilters() throws Exception {
    List<String> seen = new ArrayList<>();
    String next = "/api/agents?limit=2&group=ingest";
    int pages = 0;
    while (next != null) {
      HttpCalls.Answer page = http.get(next, null);
      assertThat(page.status()).isEqualTo(200);
      assertThat(page.header("x-total-count")).isEqualTo("3");
      seen.addAll(ids(new JsonArray(page.body())));
      pages++;
      String link = page.header("link");
      if (link == null) {
        next = null;
      } else {
        Matcher matcher = NEXT.matcher(link);
        assertThat(matcher.matches()).as(link).isTrue();
        next = matcher.group(1);
        assertThat(next).contains("group=ingest").contains("limit=2");
      }
    }
    assertThat(pages).isEqualTo(2);
    assertThat(seen).containsExactly("a1", "a2", "a3");
  }

  @Test
  void aSilenceAndAnAcknowledgementShowOnTheAgent() throws Exception {
    String fingerprint = firing("a2").getJsonObject(0).getString("fingerprint");
    JsonObject silence =
        new JsonObject()
            .put(
                "matchers",
                new JsonArray()
                    .add(
                        new JsonObject()
                            .put("name", "agent")
                            .put("value", "a2")
                            .put("isRegex", false)
                            .put("isEqual", true)))
            .put("endsAt", Instant.now().plusSeconds(3600).toString())
            .put("createdBy", "carol")
            .put("comment", "maintenance");
    assertThat(
            http.send(HttpMethod.POST, "/api/silences", null, Buffer.buffer(silence.encode()))
                .status())
        .isEqualTo(200);
    assertThat(
            http.send(
                    HttpMethod.POST,
                    "/api/alerts/" + fingerprint + "/ack",
                    null,
                    Buffer.buffer("{\"by\":\"dave\"}"))
                .status())
        .isEqualTo(200);

    await()
        .atMost(WAIT)
        .until(
            () -> {
              JsonObject a2 = get("/api/agents?state=DOWN").getJsonObject(0);
              return a2.getBoolean("silenced") && a2.getBoolean("acknowledged");
            });
    assertThat(get("/api/agents?state=UP").stream().map(JsonObject.class::cast))
        .allSatisfy(
            agent -> {
              assertThat(agent.getBoolean("silenced")).isFalse();
              assertThat(agent.getBoolean("acknowledged")).isFalse();
            });
  }

  private JsonArray firing(String id) throws Exception {
    JsonArray agents = get("/api/agents");
    for (int i = 0; i < agents.size(); i++) {
      if (agents.getJsonObject(i).getString("id").equals(id)) {
        return agents.getJsonObject(i).getJsonArray("firing");
      }
    }
    return new JsonArray();
  }

  private JsonArray get(String path) throws Exception {
    HttpCalls.Answer answer = http.get(path, null);
    assertThat(answer.status()).as(answer.body()).isEqualTo(200);
    return new JsonArray(answer.body());
  }

  private static List<String> ids(JsonArray agents) {
    List<String> ids = new ArrayList<>();
    agents.forEach(a -> ids.add(((JsonObject) a).getString("id")));
    return ids;
  }
}
