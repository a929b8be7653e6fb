package io.flumesentinel.http;

import io.flumesentinel.ack.Ack;
import io.flumesentinel.ack.AckStore;
import io.flumesentinel.alert.LedgerRecord;
import io.flumesentinel.event.Alert;
import io.flumesentinel.protocol.ZkErrors;
import io.flumesentinel.protocol.ZkLayout;
import io.flumesentinel.silence.Silence;
import io.flumesentinel.silence.SilenceIndex;
import io.flumesentinel.silence.SilenceStore;
import io.flumesentinel.zk.ChildrenReader;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.json.DecodeException;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Optional;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;
import org.apache.curator.framework.CuratorFramework;
import org.apache.curator.x.async.AsyncCuratorFramework;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The writes of the HTTP API, for the dashboard and scripts; each needs the write token when tokens
 * are configured ({@link AccessPolicy}), and its body is at most 64 KiB:
 *
 * <ul>
 *   <li>{@code POST /api/silences}: Alertmanager's v2 body, checked by {@link Silence#create(
 *       JsonObject, Instant, io.flumesentinel.silence.SilenceRules)} with the monitor's silence
 *       rules exactly as {@code silence add} checks its silence, written by the same {@link
 *       SilenceStore}; 200 {@code {"silenceID": id}}.
 *   <li>{@code DELETE /api/silences/{id}}: expires it ({@link SilenceStore#expire}); 200 with the
 *       silence, 404 when there is none, 409 when it has already expired.
 *   <li>{@code POST /api/alerts/{fingerprint}/ack} with {@code {"by", "comment"}}: acknowledges the
 *       firing alert of that fingerprint ({@link AckStore#put}); 200 with the acknowledgement, 404
 *       when no alert of that fingerprint fires.
 *   <li>{@code DELETE /api/alerts/{fingerprint}/ack}: removes its acknowledgement; 404 when there
 *       is none.
 * </ul>
 *
 * Every write goes to ZooKeeper, where every monitor of the root sees it within moments; 503 when
 * ZooKeeper does not answer within {@link ReadApi#ZK_TIMEOUT}. A bad request is a 400 with one line
 * naming the problem. Each write is logged with who made it as the request says.
 */
public final class WriteApi implements Routes {

  private static final Logger log = LoggerFactory.getLogger(WriteApi.class);

  private final CuratorFramework client;
  private final ZkLayout layout;
  private final SilenceIndex silences;

  /**
   * @param silences whose rules and clock judge a new silence
   */
  public WriteApi(CuratorFramework client, ZkLayout layout, SilenceIndex silences) {
    this.client = client;
    this.layout = layout;
    this.silences = silences;
  }

  @Override
  public void mount(Router router, Context context) {
    AsyncCuratorFramework zk = AsyncCuratorFramework.wrap(client);
    SilenceStore silenceStore = new SilenceStore(zk, layout);
    AckStore ackStore = new AckStore(zk, layout);
    ChildrenReader reader = new ChildrenReader(client, context);
    router.post("/api/silences").handler(ctx -> addSilence(ctx, silenceStore, context));
    router.delete("/api/silences/:id").handler(ctx -> expireSilence(ctx, silenceStore, context));
    router.post("/api/alerts/:fingerprint/ack").handler(ctx -> ack(ctx, ackStore, reader, context));
    router.delete("/api/alerts/:fingerprint/ack").handler(ctx -> unack(ctx, ackStore, context));
  }

  private void addSilence(RoutingContext ctx, SilenceStore store, Context context) {
    Silence silence;
    try {
      Instant now = silences.clock().instant().truncatedTo(ChronoUnit.MILLIS);
      silence = Silence.create(body(ctx), now, silences.rules());
    } catch (IllegalArgumentException e) {
      Answers.error(ctx, 400, e.getMessage());
      return;
    }
    written(ctx, store.add(silence), context)
        .onSuccess(
            added -> {
              log.info(
                  "Silence {} added through the API from {} by {}: {}",
                  added.id(),
                  Answers.remote(ctx),
                  added.createdBy(),
                  added.matchersText());
              Answers.json(ctx, 200, new JsonObject().put("silenceID", added.id()).encode());
            });
  }

  private void expireSilence(RoutingContext ctx, SilenceStore store, Context context) {
    String id = ctx.pathParam("id");
    String problem = Silence.idProblem(id);
    if (problem != null) {
      Answers.error(ctx, 400, problem);
      return;
    }
    Future<Optional<Silence>> expired =
        Future.fromCompletionStage(store.expire(id, silences.clock().instant()), context)
            .timeout(ReadApi.ZK_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
    expired.onComplete(
        done -> {
          Throwable failure = done.failed() ? ZkErrors.cause(done.cause()) : null;
          if (failure instanceof IllegalStateException
              || failure instanceof IllegalArgumentException) {
            // Already expired, or not a silence the monitor can read.
            Answers.error(ctx, 409, failure.getMessage());
          } else if (done.failed()) {
            Answers.error(ctx, 503, "ZooKeeper did not answer: " + failure);
          } else if (done.result().isEmpty()) {
            Answers.error(ctx, 404, "no silence " + id);
          } else {
            log.info("Silence {} expired through the API from {}", id, Answers.remote(ctx));
            Silence silence = done.result().get();
            Answers.json(
                ctx,
                200,
                silence
                    .toJson()
                    .put(
                        "status",
                        new JsonObject()
                            .put("state", silence.state(silences.clock().instant()).wire()))
                    .encode());
          }
        });
  }

  private void ack(RoutingContext ctx, AckStore store, ChildrenReader reader, Context context) {
    String fingerprint = ctx.pathParam("fingerprint");
    JsonObject body;
    try {
      layout.ack(fingerprint);
      body = body(ctx);
    } catch (IllegalArgumentException e) {
      Answers.error(ctx, 400, e.getMessage());
      return;
    }
    Object by = body.getValue("by");
    Object comment = body.getValue("comment");
    if (!(by instanceof String) || ((String) by).isBlank()) {
      Answers.error(ctx, 400, "by must name who acknowledges the alert");
      return;
    }
    if (comment != null && !(comment instanceof String)) {
      Answers.error(ctx, 400, "comment must be a string");
      return;
    }
    reader
        .read(layout.alerts())
        .timeout(ReadApi.ZK_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS)
        .onFailure(e -> Answers.error(ctx, 503, "ZooKeeper did not answer: " + e))
        .onSuccess(
            ledger -> {
              Alert firing = firing(ledger, fingerprint);
              if (firing == null) {
                Answers.error(ctx, 404, "no alert with fingerprint " + fingerprint + " fires");
                return;
              }
              Ack ack;
              try {
                ack =
                    new Ack(
                        fingerprint,
                        firing.startsAt(),
                        (String) by,
                        (String) comment,
                        silences.clock().instant().truncatedTo(ChronoUnit.MILLIS));
              } catch (IllegalArgumentException e) {
                Answers.error(ctx, 400, e.getMessage()); // a by of control characters only
                return;
              }
              written(ctx, store.put(ack), context)
                  .onSuccess(
                      written -> {
                        log.info(
                            "Alert {} ({} of {}) acknowledged through the API from {} by {}",
                            fingerprint,
                            firing.alertname(),
                            firing.subject(),
                            Answers.remote(ctx),
                            written.by());
                        Answers.json(
                            ctx, 200, written.toJson().put("fingerprint", fingerprint).encode());
                      });
            });
  }

  private void unack(RoutingContext ctx, AckStore store, Context context) {
    String fingerprint = ctx.pathParam("fingerprint");
    try {
      layout.ack(fingerprint);
    } catch (IllegalArgumentException e) {
      Answers.error(ctx, 400, e.getMessage());
      return;
    }
    written(ctx, store.remove(fingerprint), context)
        .onSuccess(
            removed -> {
              if (!removed) {
                Answers.error(ctx, 404, "alert " + fingerprint + " is not acknowledged");
                return;
              }
              log.info(
                  "Acknowledgement of alert {} removed through the API from {}",
                  fingerprint,
                  Answers.remote(ctx));
              Answers.json(
                  ctx,
                  200,
                  new JsonObject()
                      .put("fingerprint", fingerprint)
                      .putNull("acknowledgedBy")
                      .encode());
            });
  }

  /** The firing alert of {@code fingerprint} in the ledger, or {@code null}. */
  private static Alert firing(ChildrenReader.Children ledger, String fingerprint) {
    for (var node : ledger.nodes().values()) {
      try {
        Alert alert = LedgerRecord.parse(node.data()).alert();
        if (alert.firing() && alert.fingerprint().equals(fingerprint)) {
          return alert;
        }
      } catch (RuntimeException unreadable) {
        // not an alert anyone can acknowledge
      }
    }
    return null;
  }

  /**
   * A ZooKeeper write's answer on the context, within {@link ReadApi#ZK_TIMEOUT}; a failure is
   * answered 503 here, so the caller answers only a success.
   */
  private static <T> Future<T> written(
      RoutingContext ctx, CompletionStage<T> write, Context context) {
    return Future.fromCompletionStage(write, context)
        .timeout(ReadApi.ZK_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS)
        .onFailure(e -> Answers.error(ctx, 503, "ZooKeeper did not answer: " + e));
  }

  /**
   * The request's body, a JSON object.
   *
   * @throws IllegalArgumentException when there is none or it is not a JSON object
   */
  private static JsonObject body(RoutingContext ctx) {
    try {
      JsonObject body = ctx.body() == null ? null : ctx.body().asJsonObject();
      if (body != null) {
        return body;
      }
    } catch (DecodeException | ClassCastException e) {
      // named below
    }
    throw new IllegalArgumentException("the body must be a JSON object");
  }
}
