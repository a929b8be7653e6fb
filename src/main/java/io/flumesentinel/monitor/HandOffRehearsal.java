package io.flumesentinel.monitor;

import io.flumesentinel.event.LocalCodec;
import io.flumesentinel.event.Notice;
import io.flumesentinel.event.OwnThread;
import io.flumesentinel.notify.DeliveryOutcome;
import io.flumesentinel.notify.http.HttpPoster;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.VerticleBase;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.http.HttpServer;
import io.vertx.core.json.JsonObject;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * The hand-offs of a storm, played on a Vert.x of the rehearsal's own, so that nothing reaches the
 * monitor's addresses, event loops or receivers: notices passed from a stage on a thread of its own
 * ({@link OwnThread}) to an event loop, as the ledger passes them to a notifier; each alert's JSON
 * published to a local consumer, which gets a copy of it, as the history does; and full webhook
 * bodies posted through the notifiers' {@link HttpPoster} to a server on the loopback.
 *
 * <p>Why: in a cold storm the JIT compiler took about 40% of the monitor's CPU, and much of what it
 * compiled was not the decisions (which {@link StormRehearsal} plays) but what carries them: the
 * event bus, the JSON copies of its publications, and the HTTP client with bodies of a full batch.
 */
final class HandOffRehearsal implements AutoCloseable {

  private static final String STAGE = "flume.sentinel.rehearsal.stage";
  private static final String NOTIFIER = "flume.sentinel.rehearsal.notifier";
  private static final String PUBLISHED = "flume.sentinel.rehearsal.published";
  private static final DeliveryOptions LOCAL = new DeliveryOptions().setLocalOnly(true);
  private static final long WITHIN_SECONDS = 60;

  private final Vertx vertx;
  private final Receipts receipts = new Receipts();
  private final HttpServer server;
  private final HttpPoster poster;
  private final int port;

  private HandOffRehearsal(Vertx vertx) throws Exception {
    this.vertx = vertx;
    LocalCodec.registerAll(vertx);
    vertx.deployVerticle(receipts).await(WITHIN_SECONDS, TimeUnit.SECONDS);
    Stage stage = new Stage();
    vertx
        .deployVerticle(stage, OwnThread.deploymentOptions(stage))
        .await(WITHIN_SECONDS, TimeUnit.SECONDS);
    this.server =
        vertx
            .createHttpServer()
            .requestHandler(request -> request.body().onComplete(read -> request.response().end()));
    this.port = server.listen(0, "127.0.0.1").await(WITHIN_SECONDS, TimeUnit.SECONDS).actualPort();
    this.poster = new HttpPoster(vertx, Duration.ofSeconds(5), Duration.ofSeconds(30));
  }

  /** A Vert.x of its own, with the stage, the notifier's side and the loopback server deployed. */
  static HandOffRehearsal start() throws Exception {
    Vertx vertx = Vertx.vertx();
    try {
      return new HandOffRehearsal(vertx);
    } catch (Exception e) {
      vertx.close().await(WITHIN_SECONDS, TimeUnit.SECONDS);
      throw e;
    }
  }

  /**
   * Hands every notice from the stage to the notifier's event loop, publishing its alert's JSON on
   * the way, and waits until the notifier's side has them all and a copy of each JSON; returns how
   * many notices arrived.
   */
  int handOver(List<Notice> notices) throws Exception {
    Future<Integer> arrived = receipts.expect(notices.size());
    notices.forEach(notice -> vertx.eventBus().send(STAGE, notice, LOCAL));
    return arrived.await(WITHIN_SECONDS, TimeUnit.SECONDS);
  }

  /** Posts {@code body} to the loopback server, as a notifier posts a webhook body. */
  DeliveryOutcome post(Buffer body) throws Exception {
    return poster
        .post("http://127.0.0.1:" + port + "/rehearsal", body)
        .await(WITHIN_SECONDS, TimeUnit.SECONDS);
  }

  @Override
  public void close() throws Exception {
    vertx.close().await(WITHIN_SECONDS, TimeUnit.SECONDS);
  }

  /** The stage: on a thread of its own, passes each notice on and publishes its alert's JSON. */
  private static final class Stage extends VerticleBase implements OwnThread {

    @Override
    public String threadName() {
      return "flume-sentinel-rehearsal";
    }

    @Override
    public Future<?> start() {
      return vertx
          .eventBus()
          .<Notice>localConsumer(
              STAGE,
              message -> {
                Notice notice = message.body();
                vertx.eventBus().send(NOTIFIER, notice, LOCAL);
                vertx.eventBus().publish(PUBLISHED, notice.alert().toJson(), LOCAL);
              })
          .completion();
    }
  }

  /**
   * The notifier's side and the publication's consumer, on an event loop: counts the notices and
   * the JSON copies until as many of each as expected have come.
   */
  private static final class Receipts extends VerticleBase {

    private int notices;
    private int copies;
    private int expected;
    private Promise<Integer> all;

    /** Called from the rehearsal's thread: the counting is done on this verticle's context. */
    Future<Integer> expect(int count) {
      Promise<Integer> promise = Promise.promise();
      context.runOnContext(
          v -> {
            notices = 0;
            copies = 0;
            expected = count;
            all = promise;
            settle();
          });
      return promise.future();
    }

    @Override
    public Future<?> start() {
      return Future.all(
          vertx
              .eventBus()
              .<Notice>localConsumer(
                  NOTIFIER,
                  message -> {
                    notices++;
                    settle();
                  })
              .completion(),
          vertx
              .eventBus()
              .<JsonObject>localConsumer(
                  PUBLISHED,
                  message -> {
                    copies += message.body().isEmpty() ? 0 : 1;
                    settle();
                  })
              .completion());
    }

    private void settle() {
      if (all != null && notices >= expected && copies >= expected) {
        all.complete(notices);
        all = null;
      }
    }
  }
}
