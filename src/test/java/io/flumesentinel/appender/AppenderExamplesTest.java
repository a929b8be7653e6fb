package io.flumesentinel.appender;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.joran.JoranConfigurator;
import ch.qos.logback.core.status.Status;
import io.flumesentinel.appender.log4j2.FlumeLog4j2Appender;
import io.flumesentinel.appender.logback.FlumeLogbackAppender;
import io.flumesentinel.testing.Zk;
import java.nio.file.Files;
import java.nio.file.Path;
import org.apache.curator.test.TestingServer;
import org.apache.logging.log4j.core.config.Configurator;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The shipped examples, {@code conf/logback-flume.xml} and {@code conf/log4j2-flume.xml}, start the
 * appender with the settings they show (their ZooKeeper and spool folder pointed at this test's).
 */
class AppenderExamplesTest {

  @TempDir Path dir;

  @Test
  void theLogbackExampleStartsTheAppender() throws Exception {
    try (TestingServer zk = Zk.server()) {
      Path xml = dir.resolve("logback-flume.xml");
      Files.writeString(xml, example("conf/logback-flume.xml", zk.getConnectString()));
      LoggerContext context = new LoggerContext();
      JoranConfigurator configurator = new JoranConfigurator();
      configurator.setContext(context);
      configurator.doConfigure(xml.toFile());
      try {
        assertThat(context.getStatusManager().getCopyOfStatusList())
            .noneMatch(s -> s.getLevel() == Status.ERROR);
        FlumeLogbackAppender appender =
            (FlumeLogbackAppender) context.getLogger("ROOT").getAppender("FLUME");
        assertShown(appender.sender().settings());
      } finally {
        context.stop();
      }
    }
  }

  @Test
  void theLog4j2ExampleStartsThePlugin() throws Exception {
    try (TestingServer zk = Zk.server()) {
      Path xml = dir.resolve("log4j2-flume.xml");
      Files.writeString(xml, example("conf/log4j2-flume.xml", zk.getConnectString()));
      org.apache.logging.log4j.core.LoggerContext context =
          Configurator.initialize("examples-test", xml.toString());
      try {
        FlumeLog4j2Appender appender = context.getConfiguration().getAppender("FLUME");
        assertThat(appender.isStarted()).isTrue();
        assertShown(appender.sender().settings());
      } finally {
        Configurator.shutdown(context);
      }
    }
  }

  private static void assertShown(AppenderSettings settings) {
    assertThat(settings.group()).isEqualTo("logs");
    assertThat(settings.root()).isEqualTo("/flume-sentinel");
    assertThat(settings.agents())
        .extracting(AgentAddress::endpoint)
        .containsExactly("flume1.example.com:4141", "flume2.example.com:4141");
    assertThat(settings.overflow()).isEqualTo(AppenderSettings.Overflow.SPOOL);
    assertThat(settings.queueSize()).isEqualTo(10_000);
    assertThat(settings.spoolMaxBytes()).isEqualTo(64L * 1024 * 1024);
    assertThat(settings.requestTimeout().toMillis()).isEqualTo(2000);
  }

  private String example(String file, String connect) throws Exception {
    return Files.readString(Path.of(file))
        .replace("zk1:2181,zk2:2181,zk3:2181", connect)
        .replace("/var/spool/myapp/flume", dir.resolve("spool").toString());
  }
}
