package io.flumesentinel.notify.webhook;

import static java.util.concurrent.TimeUnit.SECONDS;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.flumesentinel.alert.Dispatch;
import io.flumesentinel.alert.Router;
import io.flumesentinel.config.GroupingConfig;
import io.flumesentinel.config.RouteConfig;
import io.flumesentinel.config.WebhookReceiverConfig;
import io.flumesentinel.event.Alert;
import io.flumesentinel.event.LocalCodec;
import io.flumesentinel.notify.webhook.TestReceiver.Request;
import io.flumesentinel.testing.TestAlerts;
import io.vertx.core.Context;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.junit5.VertxExtension;
import java.time.Duration;
import java.util.List;
import java.util.TreeMap;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * A webhook receiver behind a route grouping by host, fed through {@link Router#dispatches} as the
 * ledger feeds it: each request is one group, with that group's key and labels, in order.
 */
@ExtendWith(VertxExtension.class)
class GroupedWebhookTest {

  private static final String RECEIVER = "ops";
  private static final Duration WAIT = Duration.ofSeconds(5);

  private Vertx vertx;
  private Context sender;
  private TestReceiver receiver;

  @BeforeEach
  void setUp(Vertx vertx) throws Exception {
    this.vertx = vertx;
    LocalCodec.registerAll(vertx);
    sender = vertx.getOrCreateContext();
    receiver = TestReceiver.start(vertx).await(5, SECONDS);
  }

  @Test
  void alertsOfTwoHostsArrivingTogetherGoOneRequestPerHostEachInOrder() throws Exception {
    receiver.delay(150);
    deploy();
    Router router = router(Duration.ZERO);

    // a1 goes at once; the rest arrive while it is in flight.
    send(router, down("a1", "host-a"), down("b1", "host-b"), down("a2", "host-a"));
    send(router, down("b2", "host-b"), down("a3", "host-a"));

    await().atMost(WAIT).until(() -> receiver.acceptedAgents().size() == 5);
    List<Request> requests = receiver.requests();
    assertThat(requests)
        .extracting(r -> agents(r))
        .containsExactly(List.of("a1"), List.of("b1", "b2"), List.of("a2", "a3"));
    for (Request request : requests) {
      JsonObject body = request.body();
      String host =
          body.getJsonArray("alerts").getJsonObject(0).getJsonObject("labels").getString("host");
      assertThat(body.getString("groupKey")).isEqualTo("{}:{host=\"" + host + "\"}");
      assertThat(body.getJsonObject("groupLabels")).isEqualTo(new JsonObject().put("host", host));
      assertThat(request.alerts()).allMatch(alert -> alert.labels().get("host").equals(host));
    }
  }

  @Test
  void aNewGroupWaitsItsGroupWaitForItsSiblingsThenLaterAlertsOfItGoAtOnce() throws Exception {
    deploy();
    Router router = router(Duration.ofSeconds(1));

    long start = System.nanoTime();
    send(router, down("a1", "host-a"));
    vertx.setTimer(100, id -> send(router, down("a2", "host-a")));

    await().atMost(WAIT).until(() -> receiver.acceptedAgents().size() == 2);
    assertThat(receiver.requests()).hasSize(1);
    assertThat(agents(receiver.requests().get(0))).containsExactly("a1", "a2");
    assertThat(receiver.requests().get(0).arrivedNanos() - start)
        .isGreaterThanOrEqualTo(Duration.ofSeconds(1).toNanos());

    // The group fires already: a sibling goes at once, not a groupWait later.
    long later = System.nanoTime();
    send(router, down("a3", "host-a"));
    await().atMost(WAIT).until(() -> receiver.acceptedAgents().size() == 3);
    assertThat(receiver.requests().get(1).arrivedNanos() - later)
        .isLessThan(Duration.ofMillis(800).toNanos());
  }

  @Test
  void whileOneGroupWaitsAnotherGroupThatFiresAlreadyIsNotHeldBack() throws Exception {
    deploy();
    Router router = router(Duration.ofSeconds(2));
    send(router, down("b1", "host-b"));
    await().atMost(WAIT).until(() -> receiver.acceptedAgents().size() == 1);

    long start = System.nanoTime();
    send(router, down("a1", "host-a"), down("b2", "host-b"));

    await().atMost(WAIT).until(() -> receiver.acceptedAgents().size() == 2);
    assertThat(receiver.acceptedAgents()).containsExactly("b1", "b2");
    assertThat(receiver.requests().get(1).arrivedNanos() - start)
        .isLessThan(Duration.ofMillis(1500).toNanos());
    await().atMost(WAIT).until(() -> receiver.acceptedAgents().size() == 3);
    assertThat(receiver.acceptedAgents()).containsExactly("b1", "b2", "a1");
  }

  @Test
  void aGroupJustSentWaitsItsGroupIntervalThenSendsWhatCameMeanwhileTogether() throws Exception {
    deploy();
    Router router = router(Duration.ZERO, Duration.ofSeconds(1));

    long start = System.nanoTime();
    send(router, down("a1", "host-a"));
    // Siblings trickle in while the group waits; another group is not held back by it.
    for (int i = 2; i <= 5; i++) {
      String agent = "a" + i;
      vertx.setTimer(50L * i, id -> send(router, down(agent, "host-a")));
    }
    vertx.setTimer(120, id -> send(router, down("b1", "host-b")));

    await().atMost(WAIT).until(() -> receiver.acceptedAgents().size() == 6);
    List<Request> requests = receiver.requests();
    assertThat(requests)
        .extracting(r -> agents(r))
        .containsExactly(List.of("a1"), List.of("b1"), List.of("a2", "a3", "a4", "a5"));
    assertThat(requests.get(1).arrivedNanos() - start).isLessThan(Duration.ofSeconds(1).toNanos());
    // The interval runs from the start of a1's send, which is after start.
    assertThat(requests.get(2).arrivedNanos() - start)
        .isGreaterThanOrEqualTo(Duration.ofSeconds(1).toNanos());
  }

  private static Router router(Duration groupWait) {
    return router(groupWait, Duration.ZERO);
  }

  private static Router router(Duration groupWait, Duration groupInterval) {
    RouteConfig route =
        RouteConfig.root(
            List.of(RECEIVER),
            new GroupingConfig(List.of("host"), groupWait, groupInterval, Duration.ofHours(4)),
            List.of());
    return Router.of(route, List.of(RECEIVER));
  }

  private void deploy() throws Exception {
    vertx
        .deployVerticle(
            WebhookChannel.notifier(
                WebhookReceiverConfig.of(RECEIVER, List.of(receiver.url())), ""))
        .await(5, SECONDS);
  }

  /** As the ledger does: every dispatch of every alert, from one context, in order. */
  private void send(Router router, Alert... alerts) {
    sender.runOnContext(
        v -> {
          for (Alert alert : alerts) {
            for (Dispatch dispatch : router.dispatches(alert)) {
              dispatch.send(vertx.eventBus());
            }
          }
        });
  }

  private static Alert down(String agent, String host) {
    Alert alert = TestAlerts.firing(agent);
    TreeMap<String, String> labels = new TreeMap<>(alert.labels());
    labels.put("host", host);
    return new Alert(
        alert.status(), labels, alert.annotations(), alert.startsAt(), null, alert.generatorUrl());
  }

  private static List<String> agents(Request request) {
    return request.alerts().stream().map(Alert::agent).toList();
  }
}
