package io.flumesentinel.classify;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import io.flumesentinel.protocol.AgentNode;
import io.flumesentinel.protocol.LiveNode;
import io.flumesentinel.testing.CoreTestBase;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

/** The monitor's log says when an agent is registered, started, stopped and deregistered. */
class LifecycleLogTest extends CoreTestBase {

  private final Logger logger = (Logger) LoggerFactory.getLogger(ClassifierVerticle.class);
  private final ListAppender<ILoggingEvent> logged = new ListAppender<>();

  @BeforeEach
  void capture() {
    logged.start();
    logger.addAppender(logged);
  }

  @AfterEach
  void release() {
    logger.detachAppender(logged);
  }

  private List<String> agentLines() {
    return logged.list.stream()
        .map(ILoggingEvent::getFormattedMessage)
        .filter(line -> line.startsWith("Agent l1 "))
        .toList();
  }

  @Test
  void eachLifecycleEventOfAnAgentIsOneLine() throws Exception {
    startMonitor();

    agents
        .register("l1", AgentNode.of("host-a", "ingest", Map.of()))
        .toCompletableFuture()
        .get(5, TimeUnit.SECONDS);
    agents
        .goLive("l1", new LiveNode(4242, Instant.now(), "1.11.0", 0))
        .toCompletableFuture()
        .get(5, TimeUnit.SECONDS);
    await().atMost(WAIT).until(() -> agentLines().size() == 2);
    agents.deregister("l1").toCompletableFuture().get(5, TimeUnit.SECONDS);

    await().atMost(WAIT).until(() -> agentLines().size() == 4);
    assertThat(agentLines().subList(0, 2))
        .containsExactly("Agent l1 registered (host-a)", "Agent l1 started");
    // One transaction removes both nodes; their watches may fire in either order.
    assertThat(agentLines().subList(2, 4))
        .containsExactlyInAnyOrder("Agent l1 stopped (deliberate stop)", "Agent l1 deregistered");
  }
}
