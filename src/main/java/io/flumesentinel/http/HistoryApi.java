package io.flumesentinel.http;

import io.flumesentinel.history.HistoryPage;
import io.flumesentinel.history.HistoryQuery;
import io.flumesentinel.history.HistoryRecord;
import io.flumesentinel.history.HistoryStore;
import io.vertx.core.Context;
import io.vertx.core.json.JsonArray;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * {@code GET /api/history}: the notification history, newest first — every alert transition and
 * every delivery attempt (see docs/history.md).
 *
 * <p>Query parameters, each at most once, all optional: {@code agent}, {@code alertname}, {@code
 * receiver} (exact values), {@code kind} ({@code transition} or {@code delivery}), {@code since}
 * (inclusive) and {@code until} (exclusive) as ISO-8601 times ({@code 2026-01-31T08:00:00Z} or with
 * an offset), {@code limit} (1 to {@value #MAX_LIMIT}, default {@value #DEFAULT_LIMIT}), {@code
 * cursor} (from a {@code Link} header). {@code X-Total-Count} says how many records match; while
 * more follow, {@code Link: <…>; rel="next"} gives the next page with the same filters. A bad
 * parameter is a 400 naming it. The database is read on a worker; 503 if it does not answer within
 * {@link #TIMEOUT}. Without a history ({@code history.enabled: false}), 404 saying so.
 */
public final class HistoryApi implements Routes {

  static final int DEFAULT_LIMIT = 500;
  static final int MAX_LIMIT = 5000;
  static final Duration TIMEOUT = Duration.ofSeconds(5);

  /** The longest filter value accepted; nothing stored is longer. */
  static final int MAX_VALUE_CHARS = 1024;

  private static final List<String> PARAMETERS =
      List.of("agent", "alertname", "receiver", "kind", "since", "until", "limit", "cursor");

  private final HistoryStore store;

  /**
   * @param store the history; {@code null} when the monitor keeps none
   */
  public HistoryApi(HistoryStore store) {
    this.store = store;
  }

  @Override
  public void mount(Router router, Context context) {
    router.get("/api/history").handler(this::history);
  }

  private void history(RoutingContext ctx) {
    if (store == null) {
      Answers.error(
          ctx, 404, "the notification history is off on this monitor (history.enabled: false)");
      return;
    }
    HistoryQuery query;
    try {
      query = query(ctx);
    } catch (IllegalArgumentException e) {
      Answers.error(ctx, 400, e.getMessage());
      return;
    }
    ctx.vertx()
        .executeBlocking(() -> store.query(query), false)
        .timeout(TIMEOUT.toMillis(), TimeUnit.MILLISECONDS)
        .onComplete(
            read -> {
              if (read.failed()) {
                Answers.error(
                    ctx, 503, "the history database did not answer: " + read.cause().getMessage());
                return;
              }
              HistoryPage page = read.result();
              ctx.response().putHeader("x-total-count", Long.toString(page.total()));
              if (page.next() != null) {
                ctx.response()
                    .putHeader(
                        "link",
                        "<" + nextPage(ctx, query.limit(), page.next()) + ">; rel=\"next\"");
              }
              JsonArray body = new JsonArray();
              page.records().stream().map(HistoryRecord::toJson).forEach(body::add);
              Answers.json(ctx, 200, body.encode());
            });
  }

  private static HistoryQuery query(RoutingContext ctx) {
    String kind = single(ctx, "kind");
    String limit = single(ctx, "limit");
    String cursor = single(ctx, "cursor");
    Instant since = time(ctx, "since");
    Instant until = time(ctx, "until");
    if (since != null && until != null && !since.isBefore(until)) {
      throw new IllegalArgumentException("since must be before until");
    }
    return new HistoryQuery(
        single(ctx, "agent"),
        single(ctx, "alertname"),
        single(ctx, "receiver"),
        kind == null ? null : kind(kind),
        since,
        until,
        limit == null ? DEFAULT_LIMIT : limit(limit),
        cursor == null ? null : cursor(cursor));
  }

  /** The one value of {@code name}, or {@code null}. */
  private static String single(RoutingContext ctx, String name) {
    List<String> values = ctx.queryParam(name);
    if (values.isEmpty()) {
      return null;
    }
    if (values.size() > 1) {
      throw new IllegalArgumentException(name + " may be given once");
    }
    String value = values.get(0);
    if (value.length() > MAX_VALUE_CHARS) {
      throw new IllegalArgumentException(
          name + " must be at most " + MAX_VALUE_CHARS + " characters");
    }
    return value;
  }

  private static HistoryRecord.Kind kind(String text) {
    try {
      return HistoryRecord.Kind.fromWire(text);
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException(
          "kind must be transition or delivery, not '" + shown(text) + "'");
    }
  }

  private static int limit(String text) {
    int limit;
    try {
      limit = Integer.parseInt(text);
    } catch (NumberFormatException e) {
      limit = 0;
    }
    if (limit < 1 || limit > MAX_LIMIT) {
      throw new IllegalArgumentException(
          "limit must be a number from 1 to " + MAX_LIMIT + ", not '" + shown(text) + "'");
    }
    return limit;
  }

  private static HistoryQuery.Cursor cursor(String text) {
    try {
      return HistoryQuery.Cursor.parse(text);
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException(
          "cursor must be the one a Link header gave, not '" + shown(text) + "'");
    }
  }

  /** An ISO-8601 time: UTC ({@code …Z}) or with an offset. */
  private static Instant time(RoutingContext ctx, String name) {
    String text = single(ctx, name);
    if (text == null) {
      return null;
    }
    try {
      return OffsetDateTime.parse(text).toInstant();
    } catch (DateTimeParseException e) {
      throw new IllegalArgumentException(
          name
              + " must be an ISO-8601 time such as 2026-01-31T08:00:00Z, not '"
              + shown(text)
              + "'");
    }
  }

  /** A client's value in an error line: short, and without control characters. */
  private static String shown(String text) {
    String clean =
        text.codePoints()
            .filter(c -> !Character.isISOControl(c))
            .collect(StringBuilder::new, StringBuilder::appendCodePoint, StringBuilder::append)
            .toString();
    return clean.length() <= 64 ? clean : clean.substring(0, 64) + "…";
  }

  /** This request's address with the cursor of the next page. */
  private static String nextPage(RoutingContext ctx, int limit, HistoryQuery.Cursor next) {
    StringBuilder link = new StringBuilder(ctx.request().path()).append("?limit=").append(limit);
    for (Map.Entry<String, String> param : ctx.queryParams()) {
      String name = param.getKey();
      if (PARAMETERS.contains(name) && !name.equals("limit") && !name.equals("cursor")) {
        link.append('&').append(encode(name)).append('=').append(encode(param.getValue()));
      }
    }
    return link.append("&cursor=").append(encode(next.text())).toString();
  }

  private static String encode(String text) {
    return URLEncoder.encode(text, StandardCharsets.UTF_8);
  }
}
