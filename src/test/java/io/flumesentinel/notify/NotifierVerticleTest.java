package io.flumesentinel.notify;

import static java.util.concurrent.TimeUnit.SECONDS;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.flumesentinel.config.BackoffConfig;
import io.flumesentinel.config.WebhookReceiverConfig;
import io.flumesentinel.event.Addresses;
import io.flumesentinel.event.Alert;
import io.flumesentinel.event.AlertGroup;
import io.flumesentinel.event.LocalCodec;
import io.flumesentinel.testing.TestAlerts;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.junit5.VertxExtension;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Function;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * What every notifier does after an attempt, whatever its channel: the next batch is on its way
 * before the last one is booked (its {@code DeliveryAttempt} for the history, its {@code Delivered}
 * for the ledger). The channel is the test's own: what is checked is the order of the notifier's
 * own two steps, which a real receiver sees only after both. That attempts stay booked in order
 * when a real channel answers before its send returns: {@code MailNotifierTest}.
 */
@ExtendWith(VertxExtension.class)
class NotifierVerticleTest {

  private static final String RECEIVER = "hook";
  private static final Duration WAIT = Duration.ofSeconds(10);

  private Vertx vertx;
  private Context sender;

  /** The notifier's context, where its channel's answers complete, as a channel's must. */
  private volatile Context notifierContext;

  /** What happened, in order: {@code send <agents>} and {@code booked <agents>}. */
  private final List<String> events = new CopyOnWriteArrayList<>();

  @BeforeEach
  void setUp(Vertx vertx) {
    this.vertx = vertx;
    LocalCodec.registerAll(vertx);
    sender = vertx.getOrCreateContext();
    // Outbound interceptors run on the publisher's thread as it publishes: the moment of booking.
    vertx
        .eventBus()
        .addOutboundInterceptor(
            delivery -> {
              if (delivery.message().address().equals(Addresses.DELIVERIES)) {
                events.add("booked " + agents((JsonObject) delivery.message().body()));
              }
              delivery.next();
            });
  }

  @Test
  void theNextBatchIsSentBeforeTheLastOneIsBooked() throws Exception {
    List<Promise<DeliveryOutcome>> answers = new CopyOnWriteArrayList<>();
    NotifierVerticle notifier =
        deploy(
            batch -> {
              Promise<DeliveryOutcome> answer = Promise.promise();
              answers.add(answer);
              return answer.future();
            });

    send("a1"); // goes at once
    await().atMost(WAIT).until(() -> answers.size() == 1);
    send("a2");
    send("a3"); // both wait for a1's answer, and go together
    await().atMost(WAIT).until(() -> notifier.stats().queued() == 3);
    notifierContext.runOnContext(v -> answers.get(0).complete(DeliveryOutcome.ofResponse(200, "")));
    await().atMost(WAIT).until(() -> answers.size() == 2);
    notifierContext.runOnContext(v -> answers.get(1).complete(DeliveryOutcome.ofResponse(200, "")));

    await().atMost(WAIT).until(() -> events.size() == 4);
    assertThat(events).containsExactly("send a1", "send a2 a3", "booked a1", "booked a2 a3");
  }

  /**
   * A notifier of batches of up to 20 alerts through a channel answering as {@code answer} does.
   */
  private NotifierVerticle deploy(Function<List<Alert>, Future<DeliveryOutcome>> answer)
      throws Exception {
    WebhookReceiverConfig config =
        new WebhookReceiverConfig(
            RECEIVER,
            List.of("http://localhost:1/" + RECEIVER),
            Duration.ofSeconds(1),
            Duration.ofSeconds(1),
            20,
            1000,
            new BackoffConfig(Duration.ofMillis(100), Duration.ofMillis(100), 1.0, 0));
    Channel channel =
        new Channel() {
          @Override
          public List<String> targets() {
            return List.of("t1");
          }

          @Override
          public Future<DeliveryOutcome> send(String target, AlertGroup group, List<Alert> batch) {
            notifierContext = Vertx.currentContext();
            events.add("send " + String.join(" ", batch.stream().map(Alert::agent).toList()));
            return answer.apply(batch);
          }

          @Override
          public Future<Void> close() {
            return Future.succeededFuture();
          }
        };
    NotifierVerticle notifier = new NotifierVerticle(config, v -> channel);
    vertx.deployVerticle(notifier).await(5, SECONDS);
    return notifier;
  }

  private void send(String agent) {
    sender.runOnContext(
        v ->
            vertx
                .eventBus()
                .send(Addresses.notify(RECEIVER), TestAlerts.notice(TestAlerts.firing(agent))));
  }

  private static String agents(JsonObject attempt) {
    List<String> agents = new ArrayList<>();
    attempt
        .getJsonArray("alerts")
        .forEach(ref -> agents.add(((JsonObject) ref).getString("agent")));
    return String.join(" ", agents);
  }
}
