package io.flumesentinel.appender;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.flumesentinel.testing.Http;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.stream.Collectors;
import java.util.stream.LongStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The core against real Avro RPC servers speaking Flume's protocol, in process: what reaches the
 * agents, in which order, what is counted, and what is left running after a stop.
 */
class AppenderSenderTest {

  private final List<AutoCloseable> open = new ArrayList<>();
  private final List<String> diagnostics = new CopyOnWriteArrayList<>();

  @AfterEach
  void closeAll() throws Exception {
    for (AutoCloseable closeable : open) {
      closeable.close();
    }
  }

  @Test
  void aBatchThatFailedGoesToTheNextAgentAndEveryEventArrivesInOrder() throws Exception {
    AvroAgent first = agent(AvroAgent.start());
    AvroAgent second = agent(AvroAgent.start());
    FlumeSender sender =
        sender(
            settings("order")
                .agents(first.address().endpoint() + "," + second.address().endpoint())
                .batchSize(20));

    log(sender, 1, 1000);
    await().atMost(Duration.ofSeconds(20)).until(() -> first.seqs().size() >= 300);
    first.close();
    log(sender, 1001, 2000);
    await()
        .atMost(Duration.ofSeconds(30))
        .until(() -> second.seqs().contains(2000L) && sender.stats().getQueueSize() == 0);

    List<Long> onFirst = first.seqs();
    List<Long> onSecond = second.seqs();
    long k = onFirst.get(onFirst.size() - 1);
    assertThat(onFirst).as("the first agent got a prefix, in order").isEqualTo(range(1, k));
    long j = onSecond.get(0);
    assertThat(j).isLessThanOrEqualTo(k + 1);
    assertThat(onSecond).as("the second got the rest, in order").isEqualTo(range(j, 2000));
    // the only events both got are those of the batch that failed, sent again under its number
    Set<String> resentBatches =
        second.received().stream()
            .filter(r -> !r.isDropReport() && r.seq() <= k)
            .map(r -> r.headers().get(EventHeaders.BATCH))
            .collect(Collectors.toSet());
    assertThat(resentBatches).hasSizeLessThanOrEqualTo(1);
    assertThat(sender.stats().getEventsDropped()).isZero();
    assertThat(sender.stats().getFailovers()).isEqualTo(1);
    assertThat(sender.stats().getActiveAgent()).isEqualTo(second.address().endpoint());
    Object sentOverJmx =
        ManagementFactory.getPlatformMBeanServer()
            .getAttribute(FlumeSender.beanName("order"), "EventsSent");
    assertThat((Long) sentOverJmx).isGreaterThanOrEqualTo(2000);
    assertThat(first.received().get(0).headers())
        .containsEntry(EventHeaders.INSTANCE, "test-instance")
        .containsEntry(EventHeaders.SEQ, "1")
        .containsEntry(EventHeaders.BATCH, "1")
        .containsEntry(EventHeaders.LEVEL, "INFO");
  }

  @Test
  void dropsAreCountedExactlyAndReportedOnceAnAgentTakesEventsAgain() throws Exception {
    int port = Http.freePort();
    FlumeSender sender =
        sender(
            settings("drops")
                .agents("127.0.0.1:" + port)
                .queueSize(10)
                .batchSize(5)
                .backoffInitialMs(50)
                .backoffMaxMs(200));

    // The sender's first batch fails before the queue overflows: every drop then goes into the
    // report of the batch formed once an agent takes events again (on a busy machine the sender
    // could otherwise form its first batch late, after some drops, and report them in two parts).
    log(sender, 1, 1);
    await().atMost(Duration.ofSeconds(10)).until(() -> sender.stats().getSendFailures() >= 1);
    log(sender, 2, 100);
    long dropped = sender.stats().getEventsDropped();
    assertThat(dropped).isBetween(80L, 90L);
    assertThat(diagnostics)
        .as("said once per dropWarnIntervalMs, not once per drop")
        .filteredOn(line -> line.contains("queue full"))
        .hasSize(1);

    AvroAgent agent = agent(AvroAgent.start(port));
    await()
        .atMost(Duration.ofSeconds(20))
        .until(() -> agent.received().stream().anyMatch(AvroAgent.Received::isDropReport));
    await().atMost(Duration.ofSeconds(10)).until(() -> sender.stats().getQueueSize() == 0);

    long reported =
        agent.received().stream()
            .filter(AvroAgent.Received::isDropReport)
            .mapToLong(r -> Long.parseLong(r.headers().get(EventHeaders.DROPPED)))
            .sum();
    Set<Long> arrived = new HashSet<>(agent.seqs());
    long missing = LongStream.rangeClosed(1, 100).filter(seq -> !arrived.contains(seq)).count();
    assertThat(reported).isEqualTo(dropped).isEqualTo(missing);
    assertThat(sender.stats().getDropReportsSent()).isEqualTo(1);
  }

  @Test
  void aStopSendsWhatIsQueuedAndLeavesNoThreadBehind() throws Exception {
    Set<Thread> before = Thread.getAllStackTraces().keySet();
    AvroAgent agent = agent(AvroAgent.start());
    FlumeSender sender =
        new FlumeSender(
            settings("flush").agents(agent.address().endpoint()).build(), diagnostics());
    sender.start();

    log(sender, 1, 500);
    sender.stop();

    assertThat(agent.seqs()).isEqualTo(range(1, 500));
    assertThat(sender.stats().getEventsLostAtStop()).isZero();
    assertThat(
            ManagementFactory.getPlatformMBeanServer().isRegistered(FlumeSender.beanName("flush")))
        .isFalse();
    agent.close();
    await()
        .atMost(Duration.ofSeconds(10))
        .untilAsserted(
            () ->
                assertThat(newThreads(before))
                    .as("threads the appender started, still alive")
                    .isEmpty());
  }

  @Test
  void aStopWithEveryAgentDownEndsWithinItsTimeoutAndCountsWhatIsLost() throws Exception {
    FlumeSender sender =
        new FlumeSender(
            settings("lost").agents("127.0.0.1:" + Http.freePort()).shutdownTimeoutMs(300).build(),
            diagnostics());
    sender.start();
    log(sender, 1, 10);

    long start = System.nanoTime();
    sender.stop();
    long tookMs = (System.nanoTime() - start) / 1_000_000;

    assertThat(tookMs).isLessThan(3000);
    assertThat(sender.stats().getEventsLostAtStop()).isEqualTo(10);
    assertThat(diagnostics).anyMatch(line -> line.contains("10 events not sent"));
  }

  private static List<String> newThreads(Set<Thread> before) {
    return Thread.getAllStackTraces().keySet().stream()
        .filter(t -> !before.contains(t) && t.isAlive())
        .map(Thread::getName)
        // the test's own Avro server: its close() leaves its caller group (Netty's
        // DefaultEventLoopGroup) running, which is not the appender's doing
        .filter(name -> !name.startsWith("defaultEventLoopGroup"))
        .filter(name -> !name.startsWith("awaitility"))
        .toList();
  }

  private AppenderSettings.Builder settings(String name) {
    return AppenderSettings.builder()
        .name(name)
        .instanceId("test-instance")
        .backoffInitialMs(100)
        .backoffMaxMs(1000)
        .shutdownTimeoutMs(5000);
  }

  private FlumeSender sender(AppenderSettings.Builder settings) {
    FlumeSender sender = new FlumeSender(settings.build(), diagnostics());
    sender.start();
    open.add(sender::stop);
    return sender;
  }

  private AvroAgent agent(AvroAgent agent) {
    open.add(agent);
    return agent;
  }

  private Diagnostics diagnostics() {
    return new Diagnostics() {
      @Override
      public void info(String message) {
        diagnostics.add("INFO " + message);
      }

      @Override
      public void warn(String message) {
        diagnostics.add("WARN " + message);
      }

      @Override
      public void error(String message, Throwable cause) {
        diagnostics.add("ERROR " + message + ": " + cause);
      }
    };
  }

  private static void log(FlumeSender sender, int from, int to) {
    for (int i = from; i <= to; i++) {
      sender.append(
          EventFields.headers(System.currentTimeMillis(), "INFO", "test", "main"),
          ("event " + i).getBytes(StandardCharsets.UTF_8));
    }
  }

  private static List<Long> range(long from, long to) {
    return LongStream.rangeClosed(from, to).boxed().toList();
  }
}
