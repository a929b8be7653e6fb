package io.flumesentinel.notify;

import static io.flumesentinel.testing.TestAlerts.firing;
import static io.flumesentinel.testing.TestAlerts.resolved;
import static io.flumesentinel.testing.TestAlerts.withSummary;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;
import static org.assertj.core.api.Assertions.assertThatIllegalStateException;

import io.flumesentinel.event.Alert;
import java.util.List;
import org.junit.jupiter.api.Test;

class DeliveryQueueTest {

  private final Alert a = firing("a");
  private final Alert b = firing("b");
  private final Alert c = firing("c");
  private final Alert d = firing("d");

  @Test
  void batchesComeOutOldestFirstUpToTheLimit() {
    DeliveryQueue queue = queueOf(10, a, b, c);

    assertThat(queue.takeBatch(2)).containsExactly(a, b);
    queue.ack();
    assertThat(queue.takeBatch(2)).containsExactly(c);
    queue.ack();
    assertThat(queue.size()).isZero();
    assertThat(queue.hasWaiting()).isFalse();
  }

  @Test
  void aFailedBatchGoesBackToTheHeadInItsOrder() {
    DeliveryQueue queue = queueOf(10, a, b);
    queue.takeBatch(10);
    queue.offer(c);

    queue.nack();

    assertThat(queue.takeBatch(10)).containsExactly(a, b, c);
  }

  @Test
  void onlyOneBatchIsInFlightAtATime() {
    DeliveryQueue queue = queueOf(10, a, b);
    queue.takeBatch(1);

    assertThatIllegalStateException().isThrownBy(() -> queue.takeBatch(1));
  }

  @Test
  void aRepeatedTransitionReplacesTheWaitingOneWhereItStands() {
    Alert aAgain = withSummary(a, "still down");
    DeliveryQueue queue = queueOf(10, a, b);

    assertThat(queue.offer(aAgain)).isEmpty();

    assertThat(queue.takeBatch(10)).containsExactly(aAgain, b);
    assertThat(queue.collapsed()).isEqualTo(1);
  }

  @Test
  void aTransitionOfAnotherStatusIsQueuedAfterTheFiringOneWhileThereIsRoom() {
    Alert aResolved = resolved(a);
    DeliveryQueue queue = queueOf(10, a, b);

    queue.offer(aResolved);

    assertThat(queue.takeBatch(10)).containsExactly(a, b, aResolved);
  }

  @Test
  void aRepeatedTransitionIsNotMergedIntoTheBatchInFlight() {
    DeliveryQueue queue = queueOf(10, a);
    queue.takeBatch(10);
    Alert aAgain = withSummary(a, "still down");

    queue.offer(aAgain);
    queue.ack();

    assertThat(queue.takeBatch(10)).containsExactly(aAgain);
  }

  @Test
  void whenFullAFiringFollowedByItsResolvedCollapsesIntoTheResolvedOne() {
    Alert aResolved = resolved(a);
    DeliveryQueue queue = queueOf(3, a, b, c);

    assertThat(queue.offer(aResolved)).isEmpty();

    assertThat(queue.dropped()).isZero();
    assertThat(queue.collapsed()).isEqualTo(1);
    assertThat(queue.takeBatch(10)).containsExactly(b, c, aResolved);
    assertThat(aResolved.startsAt()).isEqualTo(a.startsAt());
    assertThat(aResolved.endsAt()).isNotNull();
  }

  @Test
  void transitionsOfDifferentIncidentsAreNeverMerged() {
    Alert aFirst = firing("a", 0);
    Alert aSecond = firing("a", 60);
    DeliveryQueue queue = queueOf(2, aFirst, aSecond);

    assertThat(queue.offer(b)).containsExactly(aFirst);

    assertThat(queue.collapsed()).isZero();
    assertThat(queue.dropped()).isEqualTo(1);
    assertThat(queue.takeBatch(10)).containsExactly(aSecond, b);
  }

  @Test
  void whenNothingCollapsesTheOldestWaitingTransitionIsDroppedAndCounted() {
    DeliveryQueue queue = queueOf(3, a, b, c);

    assertThat(queue.offer(d)).containsExactly(a);

    assertThat(queue.dropped()).isEqualTo(1);
    assertThat(queue.size()).isEqualTo(3);
    assertThat(queue.takeBatch(10)).containsExactly(b, c, d);
  }

  @Test
  void theBatchInFlightIsNeverDropped() {
    DeliveryQueue queue = queueOf(3, a, b);
    queue.takeBatch(2);
    queue.offer(c);

    assertThat(queue.offer(d)).containsExactly(c);
    assertThat(queue.offer(firing("e"))).containsExactly(d);

    queue.nack();
    assertThat(queue.takeBatch(10)).extracting(Alert::agent).containsExactly("a", "b", "e");
    assertThat(queue.dropped()).isEqualTo(2);
  }

  @Test
  void anOfferWhenEverythingHeldIsInFlightDropsTheNewcomer() {
    DeliveryQueue queue = queueOf(2, a, b);
    queue.takeBatch(2);

    assertThat(queue.offer(c)).containsExactly(c);
    assertThat(queue.dropped()).isEqualTo(1);
  }

  @Test
  void aNackedBatchCanCollapseWithWhatArrivedMeanwhile() {
    Alert aResolved = resolved(a);
    DeliveryQueue queue = queueOf(3, a, b);
    queue.takeBatch(10);
    queue.offer(aResolved);
    queue.nack();

    assertThat(queue.offer(c)).isEmpty();

    assertThat(queue.collapsed()).isEqualTo(1);
    assertThat(queue.takeBatch(10)).containsExactly(b, aResolved, c);
  }

  @Test
  void aStormOfNewIncidentsKeepsTheNewestAndCollapsesWhateverIsSuperseded() {
    DeliveryQueue queue = new DeliveryQueue(100);
    int drops = 0;
    for (int i = 0; i < 1000; i++) {
      Alert alert = firing("agent-" + i % 300, i / 300);
      drops += queue.offer(alert).size();
      if (i % 7 == 0) {
        drops += queue.offer(resolved(alert)).size();
      }
    }

    List<Alert> held = queue.takeBatch(1000);
    assertThat(held).hasSize(100);
    assertThat(queue.dropped()).isEqualTo(drops);
    assertThat(held).doesNotHaveDuplicates();
    assertThat(held.stream().map(alert -> alert.key() + alert.startsAt())).doesNotHaveDuplicates();
    assertThat(held.get(held.size() - 1).agent()).isEqualTo("agent-" + 999 % 300);
  }

  @Test
  void capacityMustBePositive() {
    assertThatIllegalArgumentException()
        .isThrownBy(() -> new DeliveryQueue(0))
        .withMessageContaining("queueCapacity");
  }

  private static DeliveryQueue queueOf(int capacity, Alert... alerts) {
    DeliveryQueue queue = new DeliveryQueue(capacity);
    for (Alert alert : alerts) {
      assertThat(queue.offer(alert)).isEmpty();
    }
    return queue;
  }
}
