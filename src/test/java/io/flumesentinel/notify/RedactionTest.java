package io.flumesentinel.notify;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Receivers' URLs named without their secrets, and error texts scrubbed of them. */
class RedactionTest {

  @ParameterizedTest(name = "{0}")
  @CsvSource(
      delimiter = '|',
      value = {
        "https://hooks.example.com/alerts?token=s3cr3t|https://hooks.example.com",
        "http://127.0.0.1:9093/api/v2/hook|http://127.0.0.1:9093",
        "HTTPS://Oapi.DingTalk.com/robot/send?access_token=abcdef|https://Oapi.DingTalk.com",
        "https://user:pw@example.com:8443/x|https://example.com:8443",
        "not a url|(invalid URL)",
      })
  void aReceiverIsNamedByItsOriginOnly(String url, String origin) {
    assertThat(Redaction.origin(url)).isEqualTo(origin);
  }

  @ParameterizedTest(name = "{1}")
  @CsvSource(
      delimiter = '|',
      value = {
        "http://localhost:1/hook?token=s3cr3t-t0ken|The timeout period of 300ms has been exceeded"
            + " while executing POST /hook?token=s3cr3t-t0ken for server localhost:1",
        "http://localhost:1/robot/send?access_token=s3cr3t-t0ken&timestamp=1&sign=abcd|"
            + "POST /robot/send?access_token=s3cr3t-t0ken&timestamp=1&sign=abcd failed",
        "https://hooks.slack.com/services/T000/B000/s3cr3t-t0ken|"
            + "invalid_token for /services/T000/B000/s3cr3t-t0ken",
        "https://open.feishu.cn/open-apis/bot/v2/hook/s3cr3t-t0ken|"
            + "Connection reset to https://open.feishu.cn/open-apis/bot/v2/hook/s3cr3t-t0ken",
        "http://localhost:1/hook?token=s3cr3t-t0ken|the token s3cr3t-t0ken is not valid",
        "http://localhost:1/hook?token=s3cr3t-t0ken|"
            + "redirected to https://other.example/login?next=s3cr3t-t0ken",
      })
  void anErrorTextKeepsNothingOfTheUrlButItsOrigin(String url, String text) {
    String scrubbed = Redaction.scrub(text, url);

    assertThat(scrubbed).doesNotContain("s3cr3t-t0ken").doesNotContain("sign=abcd");
  }

  @ParameterizedTest(name = "{0}")
  @CsvSource(
      delimiter = '|',
      value = {
        "ConnectException: Connection refused: localhost/127.0.0.1:9|"
            + "ConnectException: Connection refused: localhost/127.0.0.1:9",
        "HTTP 400: invalid alert payload: unknown field|"
            + "HTTP 400: invalid alert payload: unknown field",
        "see https://a.example/x?token=1234 now|see https://a.example/… now",
        "https://a.example/|https://a.example/",
      })
  void urlsInFreeTextAreCutToTheirOrigin(String text, String expected) {
    assertThat(Redaction.urls(text)).isEqualTo(expected);
  }
}
