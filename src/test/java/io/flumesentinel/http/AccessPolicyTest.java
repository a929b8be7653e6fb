package io.flumesentinel.http;

import static org.assertj.core.api.Assertions.assertThat;

import io.flumesentinel.config.HttpAuthConfig.Role;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class AccessPolicyTest {

  private final AccessPolicy policy = new AccessPolicy(List.of("/assets/"));

  @Test
  void whatEachRequestNeeds() {
    Object[][] table = {
      {"GET", "/health/live", null},
      {"GET", "/health/ready", null},
      {"POST", "/health/live", null},
      {"GET", "/assets/app.js", null},
      {"GET", "/api/alerts", Role.READ},
      {"HEAD", "/api/alerts", Role.READ},
      {"GET", "/status", Role.READ},
      {"GET", "/", Role.READ},
      {"GET", "/metrics", Role.READ},
      {"GET", "/healthz", Role.READ},
      {"GET", "/health", Role.READ},
      {"POST", "/api/silences", Role.WRITE},
      {"DELETE", "/api/silences/abc", Role.WRITE},
      {"PUT", "/api/acks/x", Role.WRITE},
      {"OPTIONS", "/api/alerts", Role.WRITE},
      {"PATCH", "/status", Role.WRITE},
    };
    for (Object[] row : table) {
      assertThat(policy.needed((String) row[0], (String) row[1]))
          .as(row[0] + " " + row[1])
          .isEqualTo(Optional.ofNullable((Role) row[2]));
    }
  }

  @Test
  void anOpenPathOpensThatPathOnly() {
    AccessPolicy page = new AccessPolicy(List.of("/dashboard/"), List.of("/"));
    Object[][] table = {
      {"GET", "/", null},
      {"GET", "/dashboard/app.js", null},
      {"GET", "/index.html", Role.READ},
      {"GET", "/api/stream", Role.READ},
      {"GET", "/status", Role.READ},
      {"POST", "/api/silences", Role.WRITE},
    };
    for (Object[] row : table) {
      assertThat(page.needed((String) row[0], (String) row[1]))
          .as(row[0] + " " + row[1])
          .isEqualTo(Optional.ofNullable((Role) row[2]));
    }
  }
}
