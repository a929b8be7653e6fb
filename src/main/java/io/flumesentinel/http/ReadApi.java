package io.flumesentinel.http;

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
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
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
 *       form plus {@code silencedBy} (ids of the silences muting it now) and {@code sent} (receiver
 *       → what it acknowledged). Query: {@code filter} (an amtool matcher, repeatable; all must
 *       hold) and {@code silenced} ({@code true} or {@code false}). Read from ZooKeeper with
 *       batched reads, so it shows what the ledger has written (at most a tenth of a second behind
 *       it) and costs a few requests even for thousands of alerts; 503 when ZooKeeper does not
 *       answer within {@link #ZK_TIMEOUT}. Paged: {@code limit} alerts at most ({@value
 *       #DEFAULT_LIMIT} unless asked, up to {@value #MAX_LIMIT}), in the order of {@code startsAt}
 *       then {@code fingerprint}; {@code X-Total-Count} says how many match, and a {@code Link}
 *       header with {@code rel="next"} gives the next page's address while there is one. The cursor
 *       in it names the last alert shown, so a page never repeats or skips an alert that was there
 *       before and after.
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
  static final int DEFAULT_LIMIT = 500;

  /** The largest {@code limit}: keeps one answer a few MB at most. */
  static final int MAX_LIMIT = 5000;

  private static final Logger log = LoggerFactory.getLogger(ReadApi.class);

  private final CuratorFramework client;
  private final ZkLayout layout;
  private final SilenceIndex silences;

  public ReadApi(CuratorFramework client, ZkLayout layout, SilenceIndex silences) {
    this.client = client;
    this.layout = layout;
    this.silences = silences;
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
    Page page;
    try {
      page = Page.of(ctx);
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
              int from = 0;
              if (page.after() != null) {
                while (from < alerts.size() && ORDER.compare(alerts.get(from), page.after()) <= 0) {
                  from++;
                }
              }
              int to = Math.min(alerts.size(), from + page.limit());
              ctx.response().putHeader("x-total-count", Integer.toString(alerts.size()));
              if (to < alerts.size()) {
                ctx.response()
                    .putHeader(
                        "link",
                        "<" + nextPage(ctx, page.limit(), alerts.get(to - 1)) + ">; rel=\"next\"");
              }
              respond(
                  ctx,
                  200,
                  new JsonArray(new ArrayList<Object>(alerts.subList(from, to))).encode());
            });
  }

  /** The order of the answer, and of the pages: by start, then by fingerprint. */
  private static final Comparator<JsonObject> ORDER =
      Comparator.comparing((JsonObject a) -> a.getString("startsAt"))
          .thenComparing(a -> a.getString("fingerprint"));

  /**
   * @param limit alerts in this page at most
   * @param after the last alert of the previous page ({@code startsAt} and {@code fingerprint}
   *     only), or {@code null} for the first page
   */
  private record Page(int limit, JsonObject after) {

    static Page of(RoutingContext ctx) {
      int limit = DEFAULT_LIMIT;
      List<String> limits = ctx.queryParam("limit");
      if (!limits.isEmpty()) {
        try {
          limit = Integer.parseInt(limits.get(0));
        } catch (NumberFormatException e) {
          limit = 0;
        }
        if (limit < 1 || limit > MAX_LIMIT) {
          throw new IllegalArgumentException(
              "limit must be a number from 1 to " + MAX_LIMIT + ", not '" + limits.get(0) + "'");
        }
      }
      List<String> cursors = ctx.queryParam("cursor");
      return new Page(limit, cursors.isEmpty() ? null : decode(cursors.get(0)));
    }

    private static JsonObject decode(String cursor) {
      try {
        String text = new String(Base64.getUrlDecoder().decode(cursor), StandardCharsets.UTF_8);
        int space = text.indexOf(' ');
        if (space > 0) {
          return new JsonObject()
              .put("startsAt", text.substring(0, space))
              .put("fingerprint", text.substring(space + 1));
        }
      } catch (IllegalArgumentException e) {
        // named below
      }
      throw new IllegalArgumentException(
          "cursor must be the one a Link header gave, not '" + cursor + "'");
    }
  }

  /** This request's address with the cursor after {@code last}. */
  private static String nextPage(RoutingContext ctx, int limit, JsonObject last) {
    String cursor =
        Base64.getUrlEncoder()
            .withoutPadding()
            .encodeToString(
                (last.getString("startsAt") + " " + last.getString("fingerprint"))
                    .getBytes(StandardCharsets.UTF_8));
    StringBuilder next = new StringBuilder(ctx.request().path()).append("?limit=").append(limit);
    for (Map.Entry<String, String> param : ctx.queryParams()) {
      if (!param.getKey().equals("limit") && !param.getKey().equals("cursor")) {
        next.append('&')
            .append(encode(param.getKey()))
            .append('=')
            .append(encode(param.getValue()));
      }
    }
    return next.append("&cursor=").append(cursor).toString();
  }

  private static String encode(String text) {
    return URLEncoder.encode(text, StandardCharsets.UTF_8);
  }

  /** A ledger record ({@code {"alert": {…}, "sent": {…}}}) as the API shows it, or null. */
  private JsonObject alert(String name, byte[] data) {
    try {
      LedgerRecord record = LedgerRecord.parse(data);
      return record
          .alert()
          .toJson()
          .put("silencedBy", new JsonArray(silences.silencedBy(record.alert().labels())))
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
