package io.flumesentinel.notify;

import static io.flumesentinel.testing.TestAlerts.firing;
import static io.flumesentinel.testing.TestAlerts.resolved;
import static io.flumesentinel.testing.TestAlerts.withSummary;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;
import static org.assertj.core.api.Assertions.assertThatIllegalStateException;

import io.flumesentinel.event.Alert;
import io.flumesentinel.event.AlertGroup;
import io.flumesentinel.event.Notice;
import io.flumesentinel.testing.TestAlerts;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

class DeliveryQueueTest {

  private final Alert a = firing("a");
  private final Alert b = firing("b");
  private final Alert c = firing("c");
  private final Alert d = firing("d");

  @Test
  void batchesComeOutOldestFirstUpToTheLimit() {
    DeliveryQueue queue = queueOf(10, a, b, c);

    assertThat(take(queue, 2)).containsExactly(a, b);
    queue.ack();
    assertThat(take(queue, 2)).containsExactly(c);
    queue.ack();
    assertThat(queue.size()).isZero();
    assertThat(queue.hasWaiting()).isFalse();
  }

  @Test
  void aFailedBatchGoesBackToTheHeadInItsOrder() {
    DeliveryQueue queue = queueOf(10, a, b);
    take(queue, 10);
    offer(queue, c);

    queue.nack();

    assertThat(take(queue, 10)).containsExactly(a, b, c);
  }

  @Test
  void onlyOneBatchIsInFlightAtATime() {
    DeliveryQueue queue = queueOf(10, a, b);
    take(queue, 1);

    assertThatIllegalStateException().isThrownBy(() -> take(queue, 1));
  }

  @Test
  void aRepeatedTransitionReplacesTheWaitingOneWhereItStands() {
    Alert aAgain = withSummary(a, "still down");
    DeliveryQueue queue = queueOf(10, a, b);

    assertThat(offer(queue, aAgain)).isEmpty();

    assertThat(take(queue, 10)).containsExactly(aAgain, b);
    assertThat(queue.collapsed()).isEqualTo(1);
  }

  @Test
  void aTransitionOfAnotherStatusIsQueuedAfterTheFiringOneWhileThereIsRoom() {
    Alert aResolved = resolved(a);
    DeliveryQueue queue = queueOf(10, a, b);

    offer(queue, aResolved);

    assertThat(take(queue, 10)).containsExactly(a, b, aResolved);
  }

  @Test
  void aRepeatedTransitionIsNotMergedIntoTheBatchInFlight() {
    DeliveryQueue queue = queueOf(10, a);
    take(queue, 10);
    Alert aAgain = withSummary(a, "still down");

    offer(queue, aAgain);
    queue.ack();

    assertThat(take(queue, 10)).containsExactly(aAgain);
  }

  @Test
  void whenFullAFiringFollowedByItsResolvedCollapsesIntoTheResolvedOne() {
    Alert aResolved = resolved(a);
    DeliveryQueue queue = queueOf(3, a, b, c);

    assertThat(offer(queue, aResolved)).isEmpty();

    assertThat(queue.dropped()).isZero();
    assertThat(queue.collapsed()).isEqualTo(1);
    assertThat(take(queue, 10)).containsExactly(b, c, aResolved);
    assertThat(aResolved.startsAt()).isEqualTo(a.startsAt());
    assertThat(aResolved.endsAt()).isNotNull();
  }

  @Test
  void transitionsOfDifferentIncidentsAreNeverMerged() {
    Alert aFirst = firing("a", 0);
    Alert aSecond = firing("a", 60);
    DeliveryQueue queue = queueOf(2, aFirst, aSecond);

    assertThat(offer(queue, b)).containsExactly(aFirst);

    assertThat(queue.collapsed()).isZero();
    assertThat(queue.dropped()).isEqualTo(1);
    assertThat(take(queue, 10)).containsExactly(aSecond, b);
  }

  @Test
  void whenNothingCollapsesTheOldestWaitingTransitionIsDroppedAndCounted() {
    DeliveryQueue queue = queueOf(3, a, b, c);

    assertThat(offer(queue, d)).containsExactly(a);

    assertThat(queue.dropped()).isEqualTo(1);
    assertThat(queue.size()).isEqualTo(3);
    assertThat(take(queue, 10)).containsExactly(b, c, d);
  }

  @Test
  void theBatchInFlightIsNeverDropped() {
    DeliveryQueue queue = queueOf(3, a, b);
    take(queue, 2);
    offer(queue, c);

    assertThat(offer(queue, d)).containsExactly(c);
    assertThat(offer(queue, firing("e"))).containsExactly(d);

    queue.nack();
    assertThat(take(queue, 10)).extracting(Alert::agent).containsExactly("a", "b", "e");
    assertThat(queue.dropped()).isEqualTo(2);
  }

  @Test
  void anOfferWhenEverythingHeldIsInFlightDropsTheNewcomer() {
    DeliveryQueue queue = queueOf(2, a, b);
    take(queue, 2);

    assertThat(offer(queue, c)).containsExactly(c);
    assertThat(queue.dropped()).isEqualTo(1);
  }

  @Test
  void aNackedBatchCanCollapseWithWhatArrivedMeanwhile() {
    Alert aResolved = resolved(a);
    DeliveryQueue queue = queueOf(3, a, b);
    take(queue, 10);
    offer(queue, aResolved);
    queue.nack();

    assertThat(offer(queue, c)).isEmpty();

    assertThat(queue.collapsed()).isEqualTo(1);
    assertThat(take(queue, 10)).containsExactly(b, aResolved, c);
  }

  @Test
  void aStormOfNewIncidentsKeepsTheNewestAndCollapsesWhateverIsSuperseded() {
    DeliveryQueue queue = new DeliveryQueue(100);
    int drops = 0;
    for (int i = 0; i < 1000; i++) {
      Alert alert = firing("agent-" + i % 300, i / 300);
      drops += offer(queue, alert).size();
      if (i % 7 == 0) {
        drops += offer(queue, resolved(alert)).size();
      }
    }

    List<Alert> held = take(queue, 1000);
    assertThat(held).hasSize(100);
    assertThat(queue.dropped()).isEqualTo(drops);
    assertThat(held).doesNotHaveDuplicates();
    assertThat(held.stream().map(alert -> alert.key() + alert.startsAt())).doesNotHaveDuplicates();
    assertThat(held.get(held.size() - 1).agent()).isEqualTo("agent-" + 999 % 300);
  }

  @Test
  void aBatchIsTheOldestWaitingGroupInItsOrderAndTheOtherGroupsKeepTheirPlace() {
    DeliveryQueue queue = new DeliveryQueue(10);
    queue.offer(on("host-a", a));
    queue.offer(on("host-b", b));
    queue.offer(on("host-a", c));
    queue.offer(on("host-b", d));

    assertThat(queue.takeBatch(10, Set.of())).extracting(Notice::alert).containsExactly(a, c);
    queue.ack();
    assertThat(queue.takeBatch(10, Set.of())).extracting(Notice::alert).containsExactly(b, d);
    queue.ack();
    assertThat(queue.hasWaiting()).isFalse();
  }

  @Test
  void aGroupLargerThanMaxBatchGoesInSeveralBatchesBeforeYoungerGroups() {
    DeliveryQueue queue = new DeliveryQueue(10);
    queue.offer(on("host-a", a));
    queue.offer(on("host-b", b));
    queue.offer(on("host-a", c));
    queue.offer(on("host-a", d));

    assertThat(queue.takeBatch(2, Set.of())).extracting(Notice::alert).containsExactly(a, c);
    queue.nack();
    assertThat(queue.takeBatch(2, Set.of())).extracting(Notice::alert).containsExactly(a, c);
    queue.ack();
    assertThat(queue.takeBatch(2, Set.of())).extracting(Notice::alert).containsExactly(b);
    queue.ack();
    assertThat(queue.takeBatch(2, Set.of())).extracting(Notice::alert).containsExactly(d);
  }

  @Test
  void aHeldGroupWaitsWhileOthersGo() {
    DeliveryQueue queue = new DeliveryQueue(10);
    queue.offer(on("host-a", a));
    queue.offer(on("host-b", b));
    queue.offer(on("host-a", c));
    Set<String> held = Set.of(group("host-a").key());

    assertThat(queue.hasReady(held)).isTrue();
    assertThat(queue.takeBatch(10, held)).extracting(Notice::alert).containsExactly(b);
    queue.ack();
    assertThat(queue.hasReady(held)).isFalse();
    assertThat(queue.takeBatch(10, held)).isEmpty();
    queue.ack();
    assertThat(queue.takeBatch(10, Set.of())).extracting(Notice::alert).containsExactly(a, c);
  }

  private static AlertGroup group(String host) {
    return AlertGroup.of("{}", Map.of("host", host), Duration.ZERO);
  }

  private static Notice on(String host, Alert alert) {
    return new Notice(alert, group(host));
  }

  @Test
  void capacityMustBePositive() {
    assertThatIllegalArgumentException()
        .isThrownBy(() -> new DeliveryQueue(0))
        .withMessageContaining("queueCapacity");
  }

  /** What the offer dropped, as alerts. */
  private static List<Alert> offer(DeliveryQueue queue, Alert alert) {
    return queue.offer(TestAlerts.notice(alert)).stream().map(Notice::alert).toList();
  }

  private static List<Alert> take(DeliveryQueue queue, int max) {
    return queue.takeBatch(max, Set.of()).stream().map(Notice::alert).toList();
  }

  private static DeliveryQueue queueOf(int capacity, Alert... alerts) {
    DeliveryQueue queue = new DeliveryQueue(capacity);
    for (Alert alert : alerts) {
      assertThat(offer(queue, alert)).isEmpty();
    }
    return queue;
  }
}
