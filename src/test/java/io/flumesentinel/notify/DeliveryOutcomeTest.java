package io.flumesentinel.notify;

import static org.assertj.core.api.Assertions.assertThat;

import io.flumesentinel.notify.DeliveryOutcome.Verdict;
import io.vertx.core.http.ConnectionPoolTooBusyException;
import io.vertx.core.http.HttpClosedException;
import java.net.ConnectException;
import java.net.UnknownHostException;
import java.util.concurrent.TimeoutException;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** As Alertmanager's {@code TestWebhookRetry}: each status code, and whether it is retried. */
class DeliveryOutcomeTest {

  static Stream<Arguments> statuses() {
    return Stream.of(
        Arguments.of(200, Verdict.DELIVERED),
        Arguments.of(201, Verdict.DELIVERED),
        Arguments.of(202, Verdict.DELIVERED),
        Arguments.of(204, Verdict.DELIVERED),
        Arguments.of(299, Verdict.DELIVERED),
        Arguments.of(100, Verdict.PERMANENT),
        Arguments.of(301, Verdict.PERMANENT),
        Arguments.of(302, Verdict.PERMANENT),
        Arguments.of(400, Verdict.PERMANENT),
        Arguments.of(401, Verdict.PERMANENT),
        Arguments.of(403, Verdict.PERMANENT),
        Arguments.of(404, Verdict.PERMANENT),
        Arguments.of(405, Verdict.PERMANENT),
        Arguments.of(413, Verdict.PERMANENT),
        Arguments.of(422, Verdict.PERMANENT),
        Arguments.of(429, Verdict.RETRYABLE),
        Arguments.of(500, Verdict.RETRYABLE),
        Arguments.of(502, Verdict.RETRYABLE),
        Arguments.of(503, Verdict.RETRYABLE),
        Arguments.of(504, Verdict.RETRYABLE),
        Arguments.of(599, Verdict.RETRYABLE));
  }

  @ParameterizedTest(name = "HTTP {0} is {1}")
  @MethodSource("statuses")
  void statusCodeDecidesWhetherToRetry(int status, Verdict expected) {
    assertThat(DeliveryOutcome.classify(status)).isEqualTo(expected);
    assertThat(DeliveryOutcome.ofResponse(status, "body").verdict()).isEqualTo(expected);
  }

  static Stream<Throwable> errors() {
    return Stream.of(
        new ConnectException("Connection refused: localhost/127.0.0.1:1"),
        new TimeoutException("The timeout period of 200ms has been exceeded"),
        new UnknownHostException("alerts.invalid"),
        new HttpClosedException("Connection was closed"),
        new ConnectionPoolTooBusyException("pool full"));
  }

  @ParameterizedTest(name = "{0} is retryable")
  @MethodSource("errors")
  void errorsWithoutAResponseAreRetryable(Throwable error) {
    DeliveryOutcome outcome = DeliveryOutcome.ofError(error);

    assertThat(outcome.verdict()).isEqualTo(Verdict.RETRYABLE);
    assertThat(outcome.status()).isZero();
    assertThat(outcome.describe())
        .startsWith(error.getClass().getSimpleName())
        .contains(error.getMessage());
  }

  @Test
  void aFailureKeepsOnlyTheFirstKilobyteOfTheBody() {
    DeliveryOutcome outcome = DeliveryOutcome.ofResponse(400, "x".repeat(5000));

    assertThat(outcome.detail()).hasSize(DeliveryOutcome.MAX_DETAIL_CHARS + 1).endsWith("…");
    assertThat(outcome.describe()).startsWith("HTTP 400: xxx");
  }

  @Test
  void aSuccessKeepsNoBody() {
    DeliveryOutcome outcome = DeliveryOutcome.ofResponse(200, "ok");

    assertThat(outcome.delivered()).isTrue();
    assertThat(outcome.describe()).isEqualTo("HTTP 200");
  }
}
