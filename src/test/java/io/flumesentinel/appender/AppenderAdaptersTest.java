package io.flumesentinel.appender;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.joran.JoranConfigurator;
import ch.qos.logback.core.status.Status;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.apache.logging.log4j.core.config.Configurator;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The two thin adapters configured from XML as an application configures them, delivering to a real
 * Avro server speaking Flume's protocol.
 */
class AppenderAdaptersTest {

  @TempDir Path dir;

  @Test
  void logbackAppenderFromItsXml() throws Exception {
    try (AvroAgent agent = AvroAgent.start()) {
      Path xml = dir.resolve("logback.xml");
      Files.writeString(
          xml,
          """
          <configuration>
            <appender name="FLUME_LB" class="io.flumesentinel.appender.logback.FlumeLogbackAppender">
              <agents>127.0.0.1:%d</agents>
              <instanceId>lb-1</instanceId>
              <encoder><pattern>%%level %%msg</pattern></encoder>
            </appender>
            <root level="INFO"><appender-ref ref="FLUME_LB"/></root>
          </configuration>
          """
              .formatted(agent.port()));
      LoggerContext context = new LoggerContext();
      JoranConfigurator configurator = new JoranConfigurator();
      configurator.setContext(context);
      configurator.doConfigure(xml.toFile());
      assertThat(context.getStatusManager().getCopyOfStatusList())
          .noneMatch(s -> s.getLevel() == Status.ERROR);

      context.getLogger("demo.logback").warn("hello {}", "flume");
      await().atMost(Duration.ofSeconds(20)).until(() -> agent.received().size() == 1);
      assertThat(
              ManagementFactory.getPlatformMBeanServer()
                  .isRegistered(FlumeSender.beanName("FLUME_LB")))
          .isTrue();
      context.stop();

      AvroAgent.Received event = agent.received().get(0);
      assertThat(event.body()).isEqualTo("WARN hello flume");
      assertThat(event.headers())
          .containsEntry(EventHeaders.LEVEL, "WARN")
          .containsEntry(EventHeaders.LOGGER, "demo.logback")
          .containsEntry(EventHeaders.INSTANCE, "lb-1")
          .containsEntry(EventHeaders.SEQ, "1")
          .containsKey(EventHeaders.TIMESTAMP);
      assertThat(
              ManagementFactory.getPlatformMBeanServer()
                  .isRegistered(FlumeSender.beanName("FLUME_LB")))
          .as("unregistered when Logback stops")
          .isFalse();
    }
  }

  @Test
  void logbackRefusesABadSettingNamingIt() throws Exception {
    Path xml = dir.resolve("bad.xml");
    Files.writeString(
        xml,
        """
        <configuration>
          <appender name="BAD" class="io.flumesentinel.appender.logback.FlumeLogbackAppender">
            <agents>127.0.0.1:4141</agents>
            <requestTimeoutMs>500</requestTimeoutMs>
            <encoder><pattern>%msg</pattern></encoder>
          </appender>
          <root level="INFO"><appender-ref ref="BAD"/></root>
        </configuration>
        """);
    LoggerContext context = new LoggerContext();
    JoranConfigurator configurator = new JoranConfigurator();
    configurator.setContext(context);
    configurator.doConfigure(xml.toFile());

    assertThat(context.getStatusManager().getCopyOfStatusList())
        .anyMatch(
            s ->
                s.getLevel() == Status.ERROR
                    && s.getMessage().contains("requestTimeoutMs must be 1000-600000"));
    context.stop();
  }

  @Test
  void log4j2PluginFromItsXml() throws Exception {
    try (AvroAgent agent = AvroAgent.start()) {
      Path xml = dir.resolve("log4j2.xml");
      Files.writeString(
          xml,
          """
          <Configuration status="warn">
            <Appenders>
              <FlumeSentinel name="FLUME_L4J" agents="127.0.0.1:%d" instanceId="l4j-1">
                <PatternLayout pattern="%%level %%msg"/>
              </FlumeSentinel>
            </Appenders>
            <Loggers>
              <Root level="info"><AppenderRef ref="FLUME_L4J"/></Root>
            </Loggers>
          </Configuration>
          """
              .formatted(agent.port()));
      org.apache.logging.log4j.core.LoggerContext context =
          Configurator.initialize("adapters-test", xml.toString());
      try {
        context.getLogger("demo.log4j2").error("hello {}", "flume");
        await().atMost(Duration.ofSeconds(20)).until(() -> agent.received().size() == 1);
      } finally {
        Configurator.shutdown(context);
      }

      AvroAgent.Received event = agent.received().get(0);
      assertThat(event.body()).isEqualTo("ERROR hello flume");
      assertThat(event.headers())
          .containsEntry(EventHeaders.LEVEL, "ERROR")
          .containsEntry(EventHeaders.LOGGER, "demo.log4j2")
          .containsEntry(EventHeaders.INSTANCE, "l4j-1");
      assertThat(
              ManagementFactory.getPlatformMBeanServer()
                  .isRegistered(FlumeSender.beanName("FLUME_L4J")))
          .isFalse();
    }
  }
}
