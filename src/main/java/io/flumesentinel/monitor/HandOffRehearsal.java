package io.flumesentinel.monitor;

import io.flumesentinel.config.WebhookReceiverConfig;
import io.flumesentinel.event.Addresses;
import io.flumesentinel.event.Alert;
import io.flumesentinel.event.AlertGroup;
import io.flumesentinel.event.Delivered;
import io.flumesentinel.event.LocalCodec;
import io.flumesentinel.event.Notice;
import io.flumesentinel.event.OwnThread;
import io.flumesentinel.notify.NotifierVerticle;
import io.flumesentinel.notify.webhook.WebhookChannel;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.VerticleBase;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.json.JsonObject;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * The hand-offs and the delivery of a storm, played on a Vert.x of the rehearsal's own, so that
 * nothing reaches the monitor's addresses, event loops or receivers: notices passed from a stage on
 * a thread of its own ({@link OwnThread}), as the ledger passes them, to a webhook notifier (the
 * production {@link NotifierVerticle}: its schedule, batches, webhook bodies and HTTP client) that
 * delivers them to a server of the rehearsal's own on the loopback; and each alert's JSON published
 * to a local consumer, which gets a copy of it, as the history does.
 *
 * <p>Why: in a cold storm the JIT compiler took about 40% of the monitor's CPU, and much of what it
 * compiled was not the decisions (which {@link StormRehearsal} plays) but what carries them: the
 * event bus, the JSON copies of its publications, the notifier and the HTTP client.
 */
final class HandOffRehearsal implements AutoCloseable {

  private static final String STAGE = "flume.sentinel.rehearsal.stage";
  private static final String PUBLISHED = "flume.sentinel.rehearsal.published";
  private static final String RECEIVER = "rehearsal";

  /** One group that nothing holds: what is measured is delivery, not a receiver's groupWait. */
  private static final AlertGroup GROUP =
      AlertGroup.of(RECEIVER, Map.of(), Duration.ZERO, Duration.ZERO);

  private static final DeliveryOptions LOCAL = new DeliveryOptions().setLocalOnly(true);
  private static final Duration WITHIN = Duration.ofSeconds(60);

  private final Vertx vertx;
  private final Receipts receipts = new Receipts();

  private HandOffRehearsal(Vertx vertx, String externalUrl) throws Exception {
    this.vertx = vertx;
    LocalCodec.registerAll(vertx);
    int port =
        vertx
            .createHttpServer()
            .requestHandler(request -> request.body().onComplete(read -> request.response().end()))
            .listen(0, "127.0.0.1")
            .await(WITHIN.toSeconds(), TimeUnit.SECONDS)
            .actualPort();
    DeploymentWait.untilDeployed(
        vertx.deployVerticle(
            WebhookChannel.notifier(
                WebhookReceiverConfig.of(
                    RECEIVER, List.of("http://localhost:" + port + "/" + RECEIVER)),
                externalUrl)),
        WITHIN);
    DeploymentWait.untilDeployed(vertx.deployVerticle(receipts), WITHIN);
    Stage stage = new Stage();
    DeploymentWait.untilDeployed(
        vertx.deployVerticle(stage, OwnThread.deploymentOptions(stage)), WITHIN);
  }

  /**
   * A Vert.x of its own, with the stage, the notifier, the loopback server and what counts the
   * deliveries deployed.
   *
   * @param externalUrl the monitor's URL, for the webhook bodies' links
   */
  static HandOffRehearsal start(String externalUrl) throws Exception {
    Vertx vertx = Vertx.vertx();
    try {
      return new HandOffRehearsal(vertx, externalUrl);
    } catch (Exception e) {
      vertx.close().await(WITHIN.toSeconds(), TimeUnit.SECONDS);
      throw e;
    }
  }

  /**
   * Hands every alert from the stage to the notifier, publishing its JSON on the way, and waits
   * until the loopback server has accepted them all and a copy of each JSON has arrived; returns
   * how many alerts were delivered. At most a notifier's queue at once ({@link
   * WebhookReceiverConfig#DEFAULT_QUEUE_CAPACITY}), so that none is dropped.
   */
  int deliver(List<Alert> alerts) throws Exception {
    if (alerts.size() > WebhookReceiverConfig.DEFAULT_QUEUE_CAPACITY) {
      throw new IllegalArgumentException(
          alerts.size() + " alerts: more than a notifier's queue holds");
    }
    Future<Integer> delivered = receipts.expect(alerts.size());
    alerts.forEach(alert -> vertx.eventBus().send(STAGE, new Notice(alert, GROUP), LOCAL));
    return delivered.await(WITHIN.toSeconds(), TimeUnit.SECONDS);
  }

  @Override
  public void close() throws Exception {
    vertx.close().await(WITHIN.toSeconds(), TimeUnit.SECONDS);
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
                vertx.eventBus().send(Addresses.notify(RECEIVER), notice, LOCAL);
                vertx.eventBus().publish(PUBLISHED, notice.alert().toJson(), LOCAL);
              })
          .completion();
    }
  }

  /**
   * What the ledger and the history would get, on an event loop: counts the alerts the notifier
   * says were delivered and the JSON copies until as many of each as expected have come.
   */
  private static final class Receipts extends VerticleBase {

    private int delivered;
    private int copies;
    private int expected;
    private Promise<Integer> all;

    /** Called from the rehearsal's thread: the counting is done on this verticle's context. */
    Future<Integer> expect(int count) {
      Promise<Integer> promise = Promise.promise();
      context.runOnContext(
          v -> {
            delivered = 0;
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
              .<Delivered>localConsumer(
                  Addresses.DELIVERED,
                  message -> {
                    delivered += message.body().alerts().size();
                    settle();
                  })
              .completion(),
          vertx
              .eventBus()
              .<JsonObject>localConsumer(
                  PUBLISHED,
                  message -> {
                    copies++; // the event bus copied the JSON before handing it here
                    settle();
                  })
              .completion());
    }

    private void settle() {
      if (all != null && delivered >= expected && copies >= expected) {
        all.complete(delivered);
        all = null;
      }
    }
  }
}
