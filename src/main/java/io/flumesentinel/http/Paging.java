package io.flumesentinel.http;

import io.vertx.ext.web.RoutingContext;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.function.Predicate;

/**
 * The paging every list of the API shares: {@code limit} items at most ({@value #DEFAULT_LIMIT}
 * unless asked, up to {@value #MAX_LIMIT}); {@code X-Total-Count} says how many match; while more
 * follow, a {@code Link} header with {@code rel="next"} gives the next page's address, with the
 * same query and a {@code cursor} naming the last item shown, so a page never repeats or skips an
 * item that was there before and after.
 */
final class Paging {

  /** Items in one answer unless {@code limit} says otherwise. */
  static final int DEFAULT_LIMIT = 500;

  /** The largest {@code limit}: keeps one answer a few MB at most. */
  static final int MAX_LIMIT = 5000;

  /**
   * @param limit items in this page at most
   * @param after the cursor's text (the last item of the previous page, as that list names it), or
   *     {@code null} for the first page
   */
  record Page(int limit, String after) {

    /**
     * The page a request asks for.
     *
     * @throws IllegalArgumentException naming a bad {@code limit} or {@code cursor}
     */
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

    private static String decode(String cursor) {
      try {
        String text = new String(Base64.getUrlDecoder().decode(cursor), StandardCharsets.UTF_8);
        if (!text.isEmpty()) {
          return text;
        }
      } catch (IllegalArgumentException e) {
        // named below
      }
      throw badCursor(cursor);
    }
  }

  private Paging() {}

  /** The one-line problem of a cursor no Link header gave. */
  static IllegalArgumentException badCursor(String cursor) {
    return new IllegalArgumentException(
        "cursor must be the one a Link header gave, not '" + cursor + "'");
  }

  /**
   * The items of the page asked for, with its {@code X-Total-Count} and {@code Link} headers set.
   *
   * @param sorted every item that matches, in the list's order
   * @param shownBefore whether an item is at or before the page's cursor (never called without one)
   * @param cursorOf the cursor's text for an item
   */
  static <T> List<T> cut(
      RoutingContext ctx,
      Page page,
      List<T> sorted,
      Predicate<T> shownBefore,
      Function<T, String> cursorOf) {
    int from = 0;
    if (page.after() != null) {
      while (from < sorted.size() && shownBefore.test(sorted.get(from))) {
        from++;
      }
    }
    int to = Math.min(sorted.size(), from + page.limit());
    ctx.response().putHeader("x-total-count", Integer.toString(sorted.size()));
    if (to < sorted.size()) {
      ctx.response()
          .putHeader(
              "link",
              "<"
                  + nextPage(ctx, page.limit(), cursorOf.apply(sorted.get(to - 1)))
                  + ">; rel=\"next\"");
    }
    return sorted.subList(from, to);
  }

  /** This request's address with the cursor after the item named {@code last}. */
  private static String nextPage(RoutingContext ctx, int limit, String last) {
    String cursor =
        Base64.getUrlEncoder()
            .withoutPadding()
            .encodeToString(last.getBytes(StandardCharsets.UTF_8));
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
}
