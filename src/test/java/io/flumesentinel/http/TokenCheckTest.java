package io.flumesentinel.http;

import static org.assertj.core.api.Assertions.assertThat;

import io.flumesentinel.config.HttpAuthConfig;
import io.flumesentinel.config.HttpAuthConfig.Role;
import io.flumesentinel.config.HttpAuthConfig.Token;
import java.util.List;
import org.junit.jupiter.api.Test;

class TokenCheckTest {

  private static final String READ = "read-0123456789abcdef0123456789abcdef";
  private static final String WRITE = "write-0123456789abcdef0123456789abcdef";

  private final TokenCheck check =
      new TokenCheck(
          new HttpAuthConfig(
              List.of(
                  new Token(Role.READ, "r", HttpAuthConfig.digest(READ)),
                  new Token(Role.WRITE, "w", HttpAuthConfig.digest(WRITE)))));

  @Test
  void whoAHeaderIs() {
    Object[][] table = {
      {null, new TokenCheck.Missing()},
      {"", new TokenCheck.Missing()},
      {"Basic dXNlcjpwYXNz", new TokenCheck.Missing()},
      {"Bearer", new TokenCheck.Missing()},
      {"Bearer " + READ, new TokenCheck.Valid(Role.READ)},
      {"bearer " + READ, new TokenCheck.Valid(Role.READ)},
      {"BEARER   " + WRITE + " ", new TokenCheck.Valid(Role.WRITE)},
      {"Bearer " + READ.substring(1), new TokenCheck.Invalid()},
      {"Bearer " + READ + "x", new TokenCheck.Invalid()},
      {"Bearer ", new TokenCheck.Invalid()},
    };
    for (Object[] row : table) {
      assertThat(check.check((String) row[0])).as(String.valueOf(row[0])).isEqualTo(row[1]);
    }
  }
}
