package io.flumesentinel.supervisor;

import static org.assertj.core.api.Assertions.assertThat;

import io.flumesentinel.supervisor.FlumeMetrics.Type;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Which ERROR and WARN lines of a Flume agent's output concern which component. */
class ComponentLogTest {

  private static final Map<String, Type> COMPONENTS =
      Map.of("r1", Type.SOURCE, "c1", Type.CHANNEL, "k1", Type.SINK);

  private static final Map<String, Type> TWO_SINKS =
      Map.of("k1", Type.SINK, "k2", Type.SINK, "c1", Type.CHANNEL, "r1", Type.SOURCE);

  /** Real output of Flume 1.11.0 whose Avro sink k1 points at a closed port (two attempts). */
  private static ComponentLog avroSinkRefused() throws IOException {
    ComponentLog log = new ComponentLog();
    try (InputStream in =
        ComponentLogTest.class.getResourceAsStream("/flume/avro-sink-refused.log")) {
      new String(in.readAllBytes(), StandardCharsets.UTF_8).lines().forEach(log::add);
    }
    return log;
  }

  @Test
  void theSinksErrorsAreFoundThroughItsThreadWithTheirRootCause() throws IOException {
    List<String> lines = avroSinkRefused().linesOf("k1", COMPONENTS, 10);

    assertThat(lines)
        .containsExactly(
            "2026-11-30T09:10:18,266 WARN  [lifecycleSupervisor-1-1] AbstractRpcSink: Unable to"
                + " create Rpc client using hostname: 127.0.0.1, port: 4545",
            "Caused by: java.net.ConnectException: Connection refused",
            "2026-11-30T09:10:23,372 ERROR [SinkRunner-PollingRunner-DefaultSinkProcessor]"
                + " SinkRunner: Unable to deliver event. Exception follows.",
            "Caused by: java.net.ConnectException: Connection refused");
  }

  @Test
  void otherComponentsGetNoneOfThem() throws IOException {
    ComponentLog log = avroSinkRefused();

    assertThat(log.linesOf("r1", COMPONENTS, 10)).isEmpty();
    assertThat(log.linesOf("c1", COMPONENTS, 10)).isEmpty();
  }

  @Test
  void theLastLinesAreKept() throws IOException {
    assertThat(avroSinkRefused().linesOf("k1", COMPONENTS, 1))
        .containsExactly("Caused by: java.net.ConnectException: Connection refused");
  }

  @Test
  void aLineThatNamesTheComponentConcernsItWhateverItsThread() {
    ComponentLog log = new ComponentLog();
    log.add("2026-11-30 10:00:00,000 INFO [t1] Rpc sink k1: Building RpcClient");
    log.add(
        "2026-11-30 10:00:01,000 WARN [t2] HDFSEventSink: sink k2 cannot write: Permission denied");
    log.add("2026-11-30 10:00:02,000 ERROR [t1] SinkRunner: Unable to deliver event");
    log.add("2026-11-30 10:00:03,000 INFO [t1] Channel c1 connected to [r1, k1]");
    log.add("2026-11-30 10:00:04,000 ERROR [t1] something failed");
    log.add("2026-11-30 10:00:05,000 ERROR [t3] k10 is not k1");

    assertThat(log.linesOf("k2", TWO_SINKS, 10))
        .containsExactly(
            "2026-11-30 10:00:01,000 WARN [t2] HDFSEventSink: sink k2 cannot write: Permission denied");
    // the line naming three components makes the thread's later lines nobody's
    assertThat(log.linesOf("k1", TWO_SINKS, 10))
        .containsExactly(
            "2026-11-30 10:00:02,000 ERROR [t1] SinkRunner: Unable to deliver event",
            "2026-11-30 10:00:05,000 ERROR [t3] k10 is not k1");
  }

  @Test
  void aThreadSpeaksForAComponentOnlyForAFewRecordsAndNeverOnMain() {
    ComponentLog log = new ComponentLog();
    log.add("2026-11-30 10:00:00,000 INFO [main] FlumeConfiguration: Processing:k1");
    log.add("2026-11-30 10:00:00,001 WARN [main] FlumeConfiguration: no configfilters");
    log.add("2026-11-30 10:00:01,000 INFO [t1] Rpc sink k1: Building RpcClient");
    for (int i = 0; i < ComponentLog.OWNED_FOR; i++) {
      log.add("2026-11-30 10:00:02,00" + i + " INFO [t1] something else " + i);
    }
    log.add("2026-11-30 10:00:03,000 ERROR [t1] SinkRunner: Unable to deliver event");

    assertThat(log.linesOf("k1", TWO_SINKS, 10)).isEmpty();
  }

  @Test
  void atWarnTheOnlySinkGetsTheLinesOfSinkClasses() {
    ComponentLog log = new ComponentLog();
    log.add(
        "2026-11-30T10:03:03,940 WARN  [main] FlumeConfiguration: Agent configuration for 'a1' has"
            + " no configfilters.");
    log.add(
        "2026-11-30T10:03:08,112 WARN  [lifecycleSupervisor-1-0] AbstractRpcSink: Unable to create"
            + " Rpc client using hostname: 127.0.0.1, port: 39041");
    log.add("org.apache.flume.FlumeException: NettyAvroRpcClient: RPC connection error");
    log.add("\tat org.apache.flume.api.NettyAvroRpcClient.connect(NettyAvroRpcClient.java:144)");
    log.add("Caused by: java.net.ConnectException: Connection refused");
    log.add(
        "2026-11-30T10:03:08,562 ERROR [SinkRunner-PollingRunner-DefaultSinkProcessor] SinkRunner:"
            + " Unable to deliver event. Exception follows.");
    log.add(
        "2026-11-30T10:03:09,000 WARN  [netcat-handler-0] NetcatSource: Error processing event");

    assertThat(log.linesOf("k1", COMPONENTS, 10))
        .containsExactly(
            "2026-11-30T10:03:08,112 WARN  [lifecycleSupervisor-1-0] AbstractRpcSink: Unable to"
                + " create Rpc client using hostname: 127.0.0.1, port: 39041",
            "Caused by: java.net.ConnectException: Connection refused",
            "2026-11-30T10:03:08,562 ERROR [SinkRunner-PollingRunner-DefaultSinkProcessor]"
                + " SinkRunner: Unable to deliver event. Exception follows.");
    assertThat(log.linesOf("r1", COMPONENTS, 10))
        .containsExactly(
            "2026-11-30T10:03:09,000 WARN  [netcat-handler-0] NetcatSource: Error processing event");
    assertThat(log.linesOf("k1", TWO_SINKS, 10)).isEmpty();
    assertThat(log.linesOf("c1", COMPONENTS, 10)).isEmpty();
  }

  @Test
  void theSameMessageIsKeptOnceAtItsLatest() {
    ComponentLog log = new ComponentLog();
    for (int i = 0; i < 3; i++) {
      log.add("2026-11-30 10:00:0" + i + ",000 ERROR [t] sink k1 refused");
    }
    log.add("2026-11-30 10:00:05,000 WARN [t] sink k1 slow");

    assertThat(log.linesOf("k1", Map.of("k1", Type.SINK), 10))
        .containsExactly(
            "2026-11-30 10:00:02,000 ERROR [t] sink k1 refused",
            "2026-11-30 10:00:05,000 WARN [t] sink k1 slow");
  }

  @Test
  void itIsBounded() {
    ComponentLog log = new ComponentLog();
    log.add("2026-11-30 10:00:00,000 ERROR [t] sink k1 " + "x".repeat(100_000));
    for (int i = 0; i < ComponentLog.MAX_RECORDS + 10; i++) {
      log.add("2026-11-30 10:00:01,000 INFO [t] line " + i);
    }

    assertThat(log.linesOf("k1", Map.of("k1", Type.SINK), 10)).isEmpty();
    log.add("2026-11-30 10:00:00,000 ERROR [t] sink k1 " + "x".repeat(100_000));
    assertThat(log.linesOf("k1", Map.of("k1", Type.SINK), 10))
        .singleElement()
        .satisfies(line -> assertThat(line).hasSize(ComponentLog.MAX_LINE_CHARS));
  }
}
