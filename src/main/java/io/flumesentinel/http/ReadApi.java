package io.flumesentinel.http;

import io.flumesentinel.ack.Ack;
import io.flumesentinel.ack.AckIndex;
import io.flumesentinel.alert.LedgerRecord;
import io.flumesentinel.protocol.ZkLayout;
import io.flumesentinel.silence.InvalidSilence;
import io.flumesentinel.silence.Matcher;
import io.flumesentinel.silence.Silence;
import io.flumesentinel.silence.SilenceIndex;
import io.flumesentinel.zk.ChildrenReader;
import io.vertx.core.Context;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.apache.curator.framework.CuratorFramework;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The read-only HTTP API, on the health port:
 *
 * <ul>
 *   <li>{@code GET /api/alerts}: every alert in the ledger ({@code <root>/alerts} in ZooKeeper),
 *       firing or resolved but still owed to a receiver, as a JSON array of alerts in the webhook's
 *       form plus {@code silencedBy} (ids of the silences muting it now), {@code acknowledgedBy}
 *       (who took it in hand, or {@code null}) and {@code sent} (receiver → what it acknowledged).
 *       Query: {@code filter} (an amtool matcher, repeatable; all must hold) and {@code silenced}
 *       ({@code true} or {@code false}). Read from ZooKeeper with batched reads, so it shows what
 *       the ledger has written (at most a tenth of a second behind it) and costs a few requests
 *       even for thousands of alerts; 503 when ZooKeeper does not answer within {@link
 *       #ZK_TIMEOUT}. Paged: {@code limit} alerts at most ({@value #DEFAULT_LIMIT} unless asked, up
 *       to {@value #MAX_LIMIT}), in the order of {@code startsAt} then {@code fingerprint}; {@code
 *       X-Total-Count} says how many match, and a {@code Link} header with {@code rel="next"} gives
 *       the next page's address while there is one. The cursor in it names the last alert shown, so
 *       a page never repeats or skips an alert that was there before and after.
 *   <li>{@code GET /api/silences}: every silence the monitor knows, active, then pending, then
 *       expired (kept some days), each with {@code status.state}, as a JSON array; then those the
 *       silence rules refuse, which mute nothing, with {@code status.state} {@code invalid} and
 *       {@code status.problem}.
 * </ul>
 *
 * Bad query parameters are a 400 with one line naming the problem.
 */
public final class ReadApi implements Routes {

  static final Duration ZK_TIMEOUT = Duration.ofSeconds(5);

  /** Alerts in one answer unless {@code limit} says otherwise. */
  static final int DEFAULT_LIMIT = Paging.DEFAULT_LIMIT;

  /** The largest {@code limit}: keeps one answer a few MB at most. */
  static final int MAX_LIMIT = Paging.MAX_LIMIT;

  private static final Logger log = LoggerFactory.getLogger(ReadApi.class);

  private final CuratorFramework client;
  private final ZkLayout layout;
  private final SilenceIndex silences;
  private final AckIndex acks;

  /** An API that knows of no acknowledgement: {@code acknowledgedBy} is always {@code null}. */
  public ReadApi(CuratorFramework client, ZkLayout layout, SilenceIndex silences) {
    this(client, layout, silences, new AckIndex());
  }

  /**
   * @param acks the acknowledgements, kept current by an {@code AckVerticle}
   */
  public ReadApi(CuratorFramework client, ZkLayout layout, SilenceIndex silences, AckIndex acks) {
    this.client = client;
    this.layout = layout;
    this.silences = silences;
    this.acks = acks;
  }

  @Override
  public void mount(Router router, Context context) {
    ChildrenReader reader = new ChildrenReader(client, context);
    router.get("/api/alerts").handler(ctx -> alerts(ctx, reader));
    router.get("/api/silences").handler(this::silences);
  }

  private void silences(RoutingContext ctx) {
    Instant now = silences.clock().instant();
    JsonArray body = new JsonArray();
    for (Silence silence : silences.current().all(now)) {
      body.add(
          silence.toJson().put("status", new JsonObject().put("state", silence.state(now).wire())));
    }
    // Refused by the rules: they mute nothing, and say why.
    for (InvalidSilence invalid : silences.current().invalid()) {
      body.add(
          invalid
              .silence()
              .toJson()
              .put(
                  "status",
                  new JsonObject()
                      .put("state", InvalidSilence.STATE)
                      .put("problem", invalid.problem())));
    }
    respond(ctx, 200, body.encode());
  }

  private void alerts(RoutingContext ctx, ChildrenReader reader) {
    List<Matcher> filter = new ArrayList<>();
    Boolean silenced;
    Paging.Page page;
    JsonObject after;
    try {
      page = Paging.Page.of(ctx);
      after = page.after() == null ? null : position(page.after());
      for (String text : ctx.queryParam("filter")) {
        filter.add(Matcher.parse(text));
      }
      silenced = flag(ctx, "silenced");
    } catch (IllegalArgumentException e) {
      respond(ctx, 400, new JsonObject().put("error", e.getMessage()).encode());
      return;
    }
    reader
        .read(layout.alerts())
        .timeout(ZK_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS)
        .onComplete(
            read -> {
              if (read.failed()) {
                respond(
                    ctx,
                    503,
                    new JsonObject()
                        .put("error", "ZooKeeper did not answer: " + read.cause())
                        .encode());
                return;
              }
              List<JsonObject> alerts = new ArrayList<>();
              read.result()
                  .nodes()
                  .forEach(
                      (name, node) -> {
                        JsonObject alert = alert(name, node.data());
                        if (alert != null && wanted(alert, filter, silenced)) {
                          alerts.add(alert);
                        }
                      });
              alerts.sort(ORDER);
              List<JsonObject> shown =
                  Paging.cut(
                      ctx,
                      page,
                      alerts,
                      alert -> ORDER.compare(alert, after) <= 0,
                      alert -> alert.getString("startsAt") + " " + alert.getString("fingerprint"));
              respond(ctx, 200, new JsonArray(new ArrayList<Object>(shown)).encode());
            });
  }

  /** The order of the answer, and of the pages: by start, then by fingerprint. */
  private static final Comparator<JsonObject> ORDER =
      Comparator.comparing((JsonObject a) -> a.getString("startsAt"))
          .thenComparing(a -> a.getString("fingerprint"));

  /** The alert a cursor names ({@code startsAt} and {@code fingerprint} only). */
  private static JsonObject position(String cursor) {
    int space = cursor.indexOf(' ');
    if (space <= 0) {
      throw Paging.badCursor(cursor);
    }
    return new JsonObject()
        .put("startsAt", cursor.substring(0, space))
        .put("fingerprint", cursor.substring(space + 1));
  }

  /** A ledger record ({@code {"alert": {…}, "sent": {…}}}) as the API shows it, or null. */
  private JsonObject alert(String name, byte[] data) {
    try {
      LedgerRecord record = LedgerRecord.parse(data);
      return record
          .alert()
          .toJson()
          .put("silencedBy", new JsonArray(silences.silencedBy(record.alert().labels())))
          .put("acknowledgedBy", acks.of(record.alert()).map(Ack::shown).orElse(null))
          .put("sent", record.sentJson());
    } catch (RuntimeException e) {
      log.debug("Not showing the unreadable alert record {}: {}", name, e.toString());
      return null;
    }
  }

  private static boolean wanted(JsonObject alert, List<Matcher> filter, Boolean silenced) {
    Map<String, String> labels = new java.util.HashMap<>();
    alert
        .getJsonObject("labels")
        .forEach(e -> labels.put(e.getKey(), String.valueOf(e.getValue())));
    if (!filter.stream().allMatch(m -> m.matches(labels))) {
      return false;
    }
    return silenced == null || silenced == !alert.getJsonArray("silencedBy").isEmpty();
  }

  private static Boolean flag(RoutingContext ctx, String name) {
    List<String> values = ctx.queryParam(name);
    if (values.isEmpty()) {
      return null;
    }
    return switch (values.get(0)) {
      case "true" -> true;
      case "false" -> false;
      default ->
          throw new IllegalArgumentException(
              name + " must be true or false, not '" + values.get(0) + "'");
    };
  }

  private static void respond(RoutingContext ctx, int status, String body) {
    ctx.response()
        .setStatusCode(status)
        .putHeader("content-type", "application/json")
        .putHeader("cache-control", "no-store")
        .end(body);
  }
}
