package io.flumesentinel.notify.mail;

import static io.flumesentinel.notify.mail.MailAlerts.crashed;
import static io.flumesentinel.notify.mail.MailAlerts.resolved;
import static org.assertj.core.api.Assertions.assertThat;

import io.flumesentinel.event.Alert;
import java.util.List;
import org.junit.jupiter.api.Test;

class MailContentTest {

  @Test
  void theSubjectCountsFiringAlertsAndNamesWhatTheBatchShares() {
    List<Alert> batch =
        List.of(
            crashed("a1", "host-a", "ingest"),
            crashed("a2", "host-a", "ingest"),
            crashed("a3", "host-a", "ingest"));

    assertThat(MailContent.subject(batch)).isEqualTo("[FIRING:3] FlumeAgentDown (host-a, ingest)");
  }

  @Test
  void aSingleAlertNamesItsAgent() {
    assertThat(MailContent.subject(List.of(crashed("a1", "host-a", "ingest"))))
        .isEqualTo("[FIRING:1] FlumeAgentDown (a1, host-a, ingest)");
  }

  @Test
  void aBatchSharingNothingNamesItsFirstAgents() {
    List<Alert> batch =
        List.of(
            crashed("a1", "h1", "g1"),
            crashed("a2", "h2", "g2"),
            crashed("a3", "h3", "g3"),
            crashed("a4", "h4", "g4"));

    assertThat(MailContent.subject(batch))
        .isEqualTo("[FIRING:4] FlumeAgentDown (a1, a2, a3, +1 more)");
  }

  @Test
  void resolvedOnlyBatchesSayResolved() {
    assertThat(MailContent.subject(List.of(resolved(crashed("a1", "host-a", "ingest")))))
        .isEqualTo("[RESOLVED:1] FlumeAgentDown (a1, host-a, ingest)");
  }

  @Test
  void bothPartsListEachAlertWithItsAgentHostReasonExitAndTimes() {
    Alert firing = crashed("a1", "host-a", "ingest");
    Alert resolved = resolved(crashed("a2", "host-b", "ingest"));
    List<Alert> batch = List.of(firing, resolved);

    // Columns are aligned for reading; compare with single spaces.
    String text = MailContent.text(batch).replaceAll(" +", " ");
    String html = MailContent.html(batch);

    assertThat(text)
        .contains("[FIRING] FlumeAgentDown")
        .contains("Agent: a1")
        .contains("Host: host-a")
        .contains("Reason: CRASHED")
        .contains("Exit: code 137, signal KILL")
        .contains("Since: 2025-01-01T00:00:00Z")
        .contains("[RESOLVED] FlumeAgentDown")
        .contains("Agent: a2")
        .contains("Ended: 2025-01-01T00:01:30Z");
    assertThat(text.indexOf("a1")).isLessThan(text.indexOf("a2"));
    assertThat(html)
        .contains(
            "<td>a1</td>", "<td>host-a</td>", "<td>CRASHED</td>", "<td>code 137, signal KILL</td>")
        .contains("<td>2025-01-01T00:01:30Z</td>");
    // "Ended" belongs to resolved alerts only.
    assertThat(text.split("Ended:", -1)).hasSize(2);
  }

  @Test
  void htmlEscapesWhatAgentsReport() {
    Alert alert = crashed("a1", "host-a", "ingest");
    Alert odd = alert.resolve(alert.startsAt(), java.util.Map.of("resolution", "<script>&\"'"));

    assertThat(MailContent.html(List.of(odd)))
        .contains("&lt;script&gt;&amp;&quot;&#39;")
        .doesNotContain("<script>");
  }
}
