package io.flumesentinel.http;

import static org.assertj.core.api.Assertions.assertThat;

import io.flumesentinel.testing.MutableClock;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;

class ClientRateLimiterTest {

  private final MutableClock clock = new MutableClock(Instant.parse("2026-01-01T00:00:00Z"));

  @Test
  void aBurstIsAllowedThenOneRequestPerRefill() {
    ClientRateLimiter limiter = new ClientRateLimiter(clock, 2, 3, 100);

    assertThat(limiter.acquire("10.0.0.1")).isZero();
    assertThat(limiter.acquire("10.0.0.1")).isZero();
    assertThat(limiter.acquire("10.0.0.1")).isZero();
    assertThat(limiter.acquire("10.0.0.1")).isEqualTo(Duration.ofMillis(500));
    assertThat(limiter.acquire("10.0.0.2")).as("another client has its own").isZero();

    clock.advance(Duration.ofMillis(200));
    assertThat(limiter.acquire("10.0.0.1")).isEqualTo(Duration.ofMillis(300));
    clock.advance(Duration.ofMillis(300));
    assertThat(limiter.acquire("10.0.0.1")).isZero();
    assertThat(limiter.acquire("10.0.0.1")).isEqualTo(Duration.ofMillis(500));
  }

  @Test
  void aQuietClientRefillsToTheBurstAndNoMore() {
    ClientRateLimiter limiter = new ClientRateLimiter(clock, 1, 2, 100);
    limiter.acquire("a");
    limiter.acquire("a");

    clock.advance(Duration.ofHours(1));

    assertThat(limiter.acquire("a")).isZero();
    assertThat(limiter.acquire("a")).isZero();
    assertThat(limiter.acquire("a")).isEqualTo(Duration.ofSeconds(1));
  }

  @Test
  void aClockSetBackNeitherRefillsNorEmpties() {
    ClientRateLimiter limiter = new ClientRateLimiter(clock, 1, 1, 100);
    limiter.acquire("a");

    clock.advance(Duration.ofHours(-1));

    assertThat(limiter.acquire("a")).isEqualTo(Duration.ofSeconds(1));
  }

  @Test
  void memoryIsBoundedByDroppingTheLeastRecentlyUsedClient() {
    ClientRateLimiter limiter = new ClientRateLimiter(clock, 1, 1, 3);
    limiter.acquire("a");
    limiter.acquire("b");
    limiter.acquire("c");
    assertThat(limiter.acquire("a")).as("a is still limited").isPositive();

    limiter.acquire("d");

    assertThat(limiter.clients()).isEqualTo(3);
    assertThat(limiter.acquire("b")).as("b was dropped: a fresh bucket").isZero();
    assertThat(limiter.acquire("a")).as("a was used since, and kept").isPositive();
  }

  @Test
  void anIpv6ClientIsItsSlash64() {
    assertThat(ClientRateLimiter.key("2001:db8:1:2:aaaa::1"))
        .isEqualTo(ClientRateLimiter.key("2001:db8:1:2:bbbb::2"))
        .isEqualTo("20010db800010002::/64");
    assertThat(ClientRateLimiter.key("2001:db8:1:3::1")).isNotEqualTo("20010db800010002::/64");
    assertThat(ClientRateLimiter.key("::ffff:10.1.2.3")).isEqualTo("10.1.2.3");
    assertThat(ClientRateLimiter.key("10.1.2.3")).isEqualTo("10.1.2.3");
  }
}
