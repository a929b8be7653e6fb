package io.flumesentinel.http;

import io.flumesentinel.ack.AckIndex;
import io.flumesentinel.event.Alert;
import io.flumesentinel.fleet.AgentListing;
import io.flumesentinel.fleet.AgentState;
import io.flumesentinel.fleet.ListedAgent;
import io.flumesentinel.protocol.UntrustedText;
import io.flumesentinel.protocol.ZkLayout;
import io.flumesentinel.silence.SilenceIndex;
import io.flumesentinel.zk.ChildrenReader;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.EnumSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.apache.curator.framework.CuratorFramework;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code GET /api/agents}: every registered agent and how it is doing, assembled by {@link
 * AgentListing} exactly as {@code flume-sentinel agents} assembles it, plus what the monitor knows
 * of its alerts: {@code firing} (each firing alert's {@code alertname}, {@code fingerprint}, {@code
 * status}, {@code startsAt}), {@code silenced} (a silence mutes one of them now) and {@code
 * acknowledged} (someone took one of them in hand).
 *
 * <p>Query: {@code group}, {@code host} (exact values) and {@code state} (UP, STUCK, HUNG, DOWN;
 * repeatable or comma-separated, in any case); paged by id as {@link Paging} says. Each request
 * reads {@code <root>/agents}, {@code <root>/live} and {@code <root>/alerts} with batched reads
 * ({@link ChildrenReader}): a few hundred requests for 100,000 agents, each reply well under
 * ZooKeeper's 1 MB; 503 when ZooKeeper does not answer within {@link ReadApi#ZK_TIMEOUT}.
 */
public final class AgentsApi implements Routes {

  private static final Logger log = LoggerFactory.getLogger(AgentsApi.class);
  private static final String STATES =
      String.join(", ", Arrays.stream(AgentState.values()).map(Enum::name).toList());

  private final CuratorFramework client;
  private final ZkLayout layout;
  private final SilenceIndex silences;
  private final AckIndex acks;

  public AgentsApi(CuratorFramework client, ZkLayout layout, SilenceIndex silences, AckIndex acks) {
    this.client = client;
    this.layout = layout;
    this.silences = silences;
    this.acks = acks;
  }

  @Override
  public void mount(Router router, Context context) {
    ChildrenReader reader = new ChildrenReader(client, context);
    router.get("/api/agents").handler(ctx -> agents(ctx, reader));
  }

  /** What a request asks for. */
  private record Query(String group, String host, Set<AgentState> states, Paging.Page page) {

    static Query of(RoutingContext ctx) {
      Set<AgentState> states = EnumSet.noneOf(AgentState.class);
      for (String value : ctx.queryParam("state")) {
        for (String name : value.split(",")) {
          try {
            states.add(AgentState.valueOf(name.strip().toUpperCase(Locale.ROOT)));
          } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(
                "state must be one of "
                    + STATES
                    + ", not '"
                    + UntrustedText.cut(UntrustedText.line(name), 64)
                    + "'");
          }
        }
      }
      return new Query(
          first(ctx, "group"),
          first(ctx, "host"),
          states.isEmpty() ? EnumSet.allOf(AgentState.class) : states,
          Paging.Page.of(ctx));
    }

    boolean wants(ListedAgent agent) {
      return (group == null || group.equals(agent.group()))
          && (host == null || host.equals(agent.host()))
          && states.contains(agent.state());
    }

    private static String first(RoutingContext ctx, String name) {
      List<String> values = ctx.queryParam(name);
      return values.isEmpty() ? null : values.get(0);
    }
  }

  private void agents(RoutingContext ctx, ChildrenReader reader) {
    Query query;
    try {
      query = Query.of(ctx);
    } catch (IllegalArgumentException e) {
      Answers.error(ctx, 400, e.getMessage());
      return;
    }
    Future<ChildrenReader.Children> agentNodes = reader.read(layout.agents());
    Future<ChildrenReader.Children> liveNodes = reader.read(layout.live());
    Future<ChildrenReader.Children> ledger = reader.read(layout.alerts());
    Future.all(agentNodes, liveNodes, ledger)
        .timeout(ReadApi.ZK_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS)
        .onComplete(
            read -> {
              if (read.failed()) {
                Answers.error(ctx, 503, "ZooKeeper did not answer: " + read.cause());
                return;
              }
              AgentListing.Listing listing =
                  AgentListing.of(
                      agentNodes.result().nodes(),
                      liveNodes.result().nodes(),
                      ledger.result().nodes(),
                      text ->
                          UntrustedText.cut(
                              UntrustedText.line(text), UntrustedText.MAX_VALUE_CHARS));
              listing.problems().forEach(problem -> log.debug("Listing agents: {}", problem));
              List<ListedAgent> wanted = listing.agents().stream().filter(query::wants).toList();
              String after = query.page().after();
              List<ListedAgent> shown =
                  Paging.cut(
                      ctx,
                      query.page(),
                      wanted,
                      agent -> agent.id().compareTo(after) <= 0,
                      ListedAgent::id);
              JsonArray body = new JsonArray(new ArrayList<>(shown.size()));
              shown.forEach(agent -> body.add(json(agent)));
              Answers.json(ctx, 200, body.encode());
            });
  }

  private JsonObject json(ListedAgent agent) {
    JsonArray firing = new JsonArray();
    boolean silenced = false;
    boolean acknowledged = false;
    for (Alert alert : agent.firing()) {
      firing.add(
          new JsonObject()
              .put("alertname", alert.alertname())
              .put("fingerprint", alert.fingerprint())
              .put("status", alert.status().wire())
              .put("startsAt", alert.startsAt().toString()));
      silenced |= !silences.silencedBy(alert.labels()).isEmpty();
      acknowledged |= acks.of(alert).isPresent();
    }
    return agent
        .toJson()
        .put("firing", firing)
        .put("silenced", silenced)
        .put("acknowledged", acknowledged);
  }
}
