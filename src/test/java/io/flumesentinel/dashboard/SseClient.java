package io.flumesentinel.dashboard;

import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientRequest;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.RequestOptions;
import io.vertx.core.json.JsonObject;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;

/**
 * A client of {@code GET /api/stream} through a real Vert.x HTTP client: the status, the content
 * type, and every server-sent event as it arrives (comments skipped).
 */
final class SseClient implements AutoCloseable {

  record Event(String name, String data) {
    JsonObject json() {
      return new JsonObject(data);
    }
  }

  final int status;
  final String contentType;
  final List<Event> events = new CopyOnWriteArrayList<>();
  final StringBuilder body = new StringBuilder();
  private final HttpClientRequest request;
  private final StringBuilder pending = new StringBuilder();

  private SseClient(HttpClientRequest request, int status, String contentType) {
    this.request = request;
    this.status = status;
    this.contentType = contentType;
  }

  /** Opens a stream, and returns once its answer's head arrived (within 10 s). */
  static SseClient open(HttpClient client, int port, String token) throws Exception {
    RequestOptions options =
        new RequestOptions()
            .setMethod(HttpMethod.GET)
            .setHost("127.0.0.1")
            .setPort(port)
            .setURI("/api/stream");
    if (token != null) {
      options.putHeader("authorization", "Bearer " + token);
    }
    return client
        .request(options)
        .compose(
            request ->
                request
                    .send()
                    .map(
                        response -> {
                          SseClient sse =
                              new SseClient(
                                  request,
                                  response.statusCode(),
                                  response.getHeader("content-type"));
                          // Registered in the callback that receives the head: no chunk is missed.
                          response.handler(chunk -> sse.received(chunk.toString()));
                          return sse;
                        }))
        .await(10, TimeUnit.SECONDS);
  }

  private synchronized void received(String chunk) {
    body.append(chunk);
    pending.append(chunk);
    int end;
    while ((end = pending.indexOf("\n\n")) >= 0) {
      String block = pending.substring(0, end);
      pending.delete(0, end + 2);
      String name = "message";
      StringBuilder data = new StringBuilder();
      for (String line : block.split("\n")) {
        if (line.startsWith("event: ")) {
          name = line.substring("event: ".length());
        } else if (line.startsWith("data: ")) {
          data.append(line.substring("data: ".length()));
        }
      }
      if (!data.isEmpty()) {
        events.add(new Event(name, data.toString()));
      }
    }
  }

  /** The {@code change} events received so far. */
  List<JsonObject> changes() {
    return events.stream().filter(e -> e.name().equals("change")).map(Event::json).toList();
  }

  @Override
  public void close() {
    request.connection().close();
  }
}
