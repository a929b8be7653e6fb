package io.flumesentinel.notify.mail;

import static org.assertj.core.api.Assertions.assertThat;

import io.flumesentinel.notify.DeliveryOutcome;
import io.flumesentinel.notify.DeliveryOutcome.Verdict;
import io.vertx.ext.mail.SMTPException;
import java.net.ConnectException;
import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class MailChannelOutcomeTest {

  @ParameterizedTest(name = "SMTP {0} is {1}")
  @CsvSource({
    "421, RETRYABLE",
    "450, RETRYABLE",
    "451, RETRYABLE",
    "452, RETRYABLE",
    "500, PERMANENT",
    "535, PERMANENT",
    "550, PERMANENT",
    "553, PERMANENT",
    "554, PERMANENT"
  })
  void theReplyCodeDecidesWhetherToRetry(int code, Verdict expected) {
    SMTPException error =
        new SMTPException("refused", code, List.of(code + " refused"), code >= 500);

    DeliveryOutcome outcome = MailChannel.outcome(error);

    assertThat(outcome.verdict()).isEqualTo(expected);
    assertThat(outcome.describe()).startsWith("SMTP " + code);
  }

  @ParameterizedTest(name = "{0} is retryable")
  @CsvSource({"Connection refused"})
  void anErrorWithoutAReplyIsRetryable(String message) {
    DeliveryOutcome outcome = MailChannel.outcome(new ConnectException(message));

    assertThat(outcome.verdict()).isEqualTo(Verdict.RETRYABLE);
    assertThat(outcome.describe()).contains(message);
  }
}
