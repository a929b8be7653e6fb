package io.flumesentinel.notify.http;

import io.flumesentinel.notify.DeliveryOutcome;
import io.flumesentinel.notify.Redaction;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClientAgent;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.PoolOptions;
import io.vertx.core.http.RequestOptions;
import java.time.Duration;
import java.util.Map;

/**
 * Posts JSON bodies for one receiver (a webhook, a chat robot) over a small pool of keep-alive
 * connections.
 *
 * <p>Guarantee: every {@link #post} completes, with a {@link DeliveryOutcome} and never with a
 * failure, within the connect timeout plus the request timeout; its callbacks run on the caller's
 * context. The outcome's detail never holds the URL's path or query (where receivers keep their
 * tokens), whether from the client's error (a timeout names the request it gave up on) or from the
 * receiver's answer ({@link Redaction#scrub}).
 */
public final class HttpPoster {

  public static final String USER_AGENT = "flume-sentinel";

  /**
   * How a response (its status and body) is judged, for receivers that answer more than a status.
   */
  @FunctionalInterface
  public interface Judge {
    DeliveryOutcome judge(int status, Buffer body);
  }

  /**
   * One connection per receiver URL's host and port (Vert.x keeps a pool for each). One request at
   * a time is sent per receiver, and the next one, sent as the last one's answer is handled, waits
   * for the connection that answer frees: with more room the pool opens a new connection instead,
   * whose handshake costs tens of milliseconds on a busy machine, in the middle of a storm.
   */
  private static final int POOL_SIZE = 1;

  private final HttpClientAgent client;
  private final long requestTimeoutMillis;

  public HttpPoster(Vertx vertx, Duration connectTimeout, Duration requestTimeout) {
    HttpClientOptions options =
        new HttpClientOptions()
            .setConnectTimeout(Math.toIntExact(connectTimeout.toMillis()))
            .setKeepAlive(true);
    this.client = vertx.createHttpClient(options, new PoolOptions().setHttp1MaxSize(POOL_SIZE));
    this.requestTimeoutMillis = requestTimeout.toMillis();
  }

  /**
   * Posts {@code body}; the outcome is judged by the status alone ({@link
   * DeliveryOutcome#ofResponse}).
   */
  public Future<DeliveryOutcome> post(String url, Buffer body) {
    return post(url, body, Map.of());
  }

  /**
   * Posts {@code body} with extra request {@code headers} (such as a signature); the outcome is
   * judged by the status alone.
   */
  public Future<DeliveryOutcome> post(String url, Buffer body, Map<String, String> headers) {
    return post(
        url,
        body,
        headers,
        (status, content) -> DeliveryOutcome.ofResponse(status, start(content)));
  }

  /**
   * Posts {@code body} and lets {@code judge} decide from the status and the whole body. A body
   * lost after the status arrived is judged as empty; no response at all is {@link
   * DeliveryOutcome#ofError}.
   */
  public Future<DeliveryOutcome> post(String url, Buffer body, Judge judge) {
    return post(url, body, Map.of(), judge);
  }

  private Future<DeliveryOutcome> post(
      String url, Buffer body, Map<String, String> headers, Judge judge) {
    RequestOptions options =
        new RequestOptions()
            .setMethod(HttpMethod.POST)
            .setAbsoluteURI(url)
            .setTimeout(requestTimeoutMillis)
            .putHeader(HttpHeaders.CONTENT_TYPE, "application/json")
            .putHeader(HttpHeaders.USER_AGENT, USER_AGENT);
    headers.forEach(options::putHeader);
    return client
        .request(options)
        .compose(request -> request.send(body))
        .compose(
            response ->
                response
                    .body()
                    .map(content -> judge.judge(response.statusCode(), content))
                    // The status has arrived: a body lost afterwards must not turn a 2xx
                    // into a resend.
                    .otherwise(error -> judge.judge(response.statusCode(), Buffer.buffer())))
        .otherwise(DeliveryOutcome::ofError)
        .map(outcome -> secretFree(outcome, url));
  }

  private static DeliveryOutcome secretFree(DeliveryOutcome outcome, String url) {
    String detail = Redaction.scrub(outcome.detail(), url);
    return detail.equals(outcome.detail())
        ? outcome
        : new DeliveryOutcome(outcome.verdict(), outcome.protocol(), outcome.status(), detail);
  }

  public Future<Void> close() {
    return client.close();
  }

  /** The start of a response body, as much as a log keeps. */
  public static String start(Buffer content) {
    int length = Math.min(content.length(), DeliveryOutcome.MAX_DETAIL_CHARS);
    return content.getString(0, length);
  }
}
