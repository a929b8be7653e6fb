package io.flumesentinel.http;

import io.vertx.core.MultiMap;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.RequestOptions;
import java.util.concurrent.TimeUnit;

/** Requests through a real Vert.x HTTP client, awaited from the test's thread with a bound. */
final class HttpCalls {

  /** What a client sees of an answer. */
  record Answer(int status, MultiMap headers, String body) {
    String header(String name) {
      return headers.get(name);
    }
  }

  private final HttpClient client;
  private final int port;

  HttpCalls(HttpClient client, int port) {
    this.client = client;
    this.port = port;
  }

  Answer get(String path, String token) throws Exception {
    return send(HttpMethod.GET, path, token, null);
  }

  Answer send(HttpMethod method, String path, String token, Buffer body) throws Exception {
    RequestOptions options =
        new RequestOptions().setMethod(method).setHost("127.0.0.1").setPort(port).setURI(path);
    if (token != null) {
      options.putHeader("authorization", "Bearer " + token);
    }
    return client
        .request(options)
        .compose(request -> body == null ? request.send() : request.send(body))
        .compose(
            response ->
                response
                    .body()
                    .map(b -> new Answer(response.statusCode(), response.headers(), b.toString())))
        .await(10, TimeUnit.SECONDS);
  }
}
