package io.flumesentinel.notify.webhook;

import io.flumesentinel.config.WebhookReceiverConfig;
import io.flumesentinel.notify.DeliveryOutcome;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClientAgent;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.PoolOptions;
import io.vertx.core.http.RequestOptions;

/**
 * Posts webhook bodies for one receiver over a small pool of keep-alive connections.
 *
 * <p>Guarantee: every {@link #post} completes, with a {@link DeliveryOutcome} and never with a
 * failure, within the connect timeout plus the request timeout; its callbacks run on the caller's
 * context.
 */
final class WebhookClient {

  static final String USER_AGENT = "flume-sentinel";

  /**
   * One request at a time is sent per receiver; a few connections cover failover and a slow close.
   */
  private static final int POOL_SIZE = 4;

  private final HttpClientAgent client;
  private final long requestTimeoutMillis;

  WebhookClient(Vertx vertx, WebhookReceiverConfig config) {
    HttpClientOptions options =
        new HttpClientOptions()
            .setConnectTimeout(Math.toIntExact(config.connectTimeout().toMillis()))
            .setKeepAlive(true);
    this.client = vertx.createHttpClient(options, new PoolOptions().setHttp1MaxSize(POOL_SIZE));
    this.requestTimeoutMillis = config.requestTimeout().toMillis();
  }

  Future<DeliveryOutcome> post(String url, Buffer body) {
    RequestOptions options =
        new RequestOptions()
            .setMethod(HttpMethod.POST)
            .setAbsoluteURI(url)
            .setTimeout(requestTimeoutMillis)
            .putHeader(HttpHeaders.CONTENT_TYPE, "application/json")
            .putHeader(HttpHeaders.USER_AGENT, USER_AGENT);
    return client
        .request(options)
        .compose(request -> request.send(body))
        .compose(
            response ->
                response
                    .body()
                    .map(
                        content ->
                            DeliveryOutcome.ofResponse(response.statusCode(), start(content)))
                    // The status has arrived: a body lost afterwards must not turn a 2xx into a
                    // resend.
                    .otherwise(error -> DeliveryOutcome.ofResponse(response.statusCode(), "")))
        .otherwise(DeliveryOutcome::ofError);
  }

  Future<Void> close() {
    return client.close();
  }

  private static String start(Buffer content) {
    int length = Math.min(content.length(), DeliveryOutcome.MAX_DETAIL_CHARS);
    return content.getString(0, length);
  }
}
