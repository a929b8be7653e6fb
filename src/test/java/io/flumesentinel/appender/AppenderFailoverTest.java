package io.flumesentinel.appender;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Ordered failover, step by step, with time and jitter given: nothing waits. */
class AppenderFailoverTest {

  private static final AgentAddress A = AgentAddress.parse("a", "10.0.0.1:4141");
  private static final AgentAddress B = AgentAddress.parse("b", "10.0.0.2:4141");
  private static final AgentAddress C = AgentAddress.parse("c", "10.0.0.3:4141");

  /** 1 s doubling to 8 s; random 1.0 (no jitter taken away) unless a test says otherwise. */
  private final Failover failover =
      new Failover(new Backoff(Duration.ofSeconds(1), Duration.ofSeconds(8)), () -> 0.999999);

  @Test
  void theFirstAgentTakesEveryBatchWhileItAccepts() {
    failover.setAgents(List.of(A, B, C));

    for (long now = 0; now < 5; now++) {
      assertThat(failover.choose(now)).isEqualTo(new Failover.Send(A, false));
      failover.succeeded(A);
    }
    assertThat(failover.active()).isEqualTo(A.endpoint());
  }

  @Test
  void aFailedBatchGoesToTheNextAgentWhichStaysActiveWhenTheFirstIsBack() {
    failover.setAgents(List.of(A, B, C));
    failover.choose(0);
    failover.failed(A, 0);

    assertThat(failover.choose(0)).isEqualTo(new Failover.Send(B, true));
    failover.succeeded(B);
    // A's back-off (about 1 s) is over: B keeps the batches, so they never alternate
    assertThat(failover.choose(5_000)).isEqualTo(new Failover.Send(B, false));
  }

  @Test
  void afterTheLastAgentComesTheFirstAndWhenAllBackOffTheAnswerIsHowLong() {
    failover.setAgents(List.of(A, B, C));
    failover.choose(0);
    failover.failed(A, 0); // A back until 999
    assertThat(failover.choose(10)).isEqualTo(new Failover.Send(B, true));
    failover.failed(B, 10); // until 1009
    assertThat(failover.choose(20)).isEqualTo(new Failover.Send(C, true));
    failover.failed(C, 20); // until 1019

    assertThat(failover.choose(30)).isEqualTo(new Failover.Wait(999));
    // after C, the first: A again, once its back-off is over
    assertThat(failover.choose(999)).isEqualTo(new Failover.Send(A, true));
  }

  @Test
  void backOffDoublesUpToTheCapAndStartsOverAfterASuccess() {
    failover.setAgents(List.of(A));
    long now = 0;
    long[] expected = {999, 1999, 3999, 7999, 7999};
    for (long wait : expected) {
      assertThat(failover.choose(now)).isInstanceOf(Failover.Send.class);
      failover.failed(A, now);
      assertThat(failover.choose(now)).isEqualTo(new Failover.Wait(now + wait));
      now += wait;
    }
    assertThat(failover.failures(A.endpoint())).isEqualTo(5);

    failover.choose(now);
    failover.succeeded(A);
    failover.failed(A, now);
    assertThat(failover.choose(now)).isEqualTo(new Failover.Wait(now + 999));
  }

  @Test
  void aNewListKeepsTheActiveAgentAndTheBackOffsOfThoseThatStay() {
    failover.setAgents(List.of(A, B));
    failover.choose(0);
    failover.failed(A, 0);
    assertThat(failover.choose(0)).isEqualTo(new Failover.Send(B, true));
    failover.succeeded(B);

    // a third agent registers; A is still backing off
    failover.setAgents(List.of(A, B, C));
    assertThat(failover.choose(1)).isEqualTo(new Failover.Send(B, false));
    assertThat(failover.failures(A.endpoint())).isEqualTo(1);

    // B goes away: the next choice starts from the first agent that may be tried
    failover.setAgents(List.of(A, C));
    assertThat(failover.choose(2)).isEqualTo(new Failover.Send(C, false));
  }

  @Test
  void noAgentIsSaidAsSuchAndTheSameEndpointTwiceCountsOnce() {
    assertThat(failover.choose(0)).isEqualTo(new Failover.NoAgent());

    failover.setAgents(List.of(A, AgentAddress.parse("again", "10.0.0.1:4141"), B));
    assertThat(failover.agents()).containsExactly(A, B);
  }
}
