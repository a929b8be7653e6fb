package io.flumesentinel.notify;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class ErrorChangesTest {

  private final ErrorChanges changes = new ErrorChanges();

  @Test
  void aFailureIsWorthLoggingWhenItStartsOrChangesNotWhenItRepeats() {
    assertThat(changes.failed("u1", "HTTP 503")).isTrue();
    assertThat(changes.failed("u1", "HTTP 503")).isFalse();
    assertThat(changes.failed("u2", "HTTP 503")).isTrue();
    assertThat(changes.failed("u1", "ConnectException")).isTrue();
    assertThat(changes.failed("u1", "ConnectException")).isFalse();
  }

  @Test
  void aRecoveryIsReportedOnceAndAFailureAfterItIsNewAgain() {
    changes.failed("u1", "HTTP 503");

    assertThat(changes.recovered("u1")).isEqualTo("HTTP 503");
    assertThat(changes.recovered("u1")).isNull();
    assertThat(changes.failed("u1", "HTTP 503")).isTrue();
  }
}
