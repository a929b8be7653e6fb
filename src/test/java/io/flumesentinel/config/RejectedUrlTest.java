package io.flumesentinel.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** A rejected URL is named in the error without the tokens it may carry. */
class RejectedUrlTest {

  @ParameterizedTest(name = "{0} → {1}")
  @CsvSource(
      delimiter = '|',
      value = {
        "htp://x | htp://x",
        "ftp://x/ | ftp://x/",
        "http:///path | http:///path",
        "htp://oapi.example/robot/send?access_token=s3cr3t | htp://oapi.example/robot/…?…",
        "htp://hooks.example/services/T000/B000/s3cr3t | htp://hooks.example/services/…",
        "htp://h/hook?token=s3cr3t#frag | htp://h/hook?…",
      })
  void hidesQueriesAndDeeperPaths(String url, String shown) {
    assertThat(ConfigChecks.shown(url)).isEqualTo(shown);
  }

  @ParameterizedTest
  @CsvSource({
    "htp://oapi.example/robot/send?access_token=s3cr3t",
    "'http://a b/x?token=s3cr3t'",
    "https:///services/T000/B000/s3cr3t"
  })
  void theConfigErrorNamesTheKeyButNotTheToken(String url) {
    assertThatThrownBy(() -> ConfigChecks.httpUrl("receivers[0].url", url))
        .isInstanceOf(ConfigException.class)
        .hasMessageStartingWith("receivers[0].url: ")
        .message()
        .doesNotContain("s3cr3t");
  }
}
