package io.flumesentinel.monitor;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import io.flumesentinel.config.ClassifierConfig;
import io.flumesentinel.config.FlappingConfig;
import io.flumesentinel.config.GroupDegradedConfig;
import io.flumesentinel.config.HostDownConfig;
import io.flumesentinel.zk.EmbeddedZooKeeper;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.LoggerFactory;

/**
 * The full rehearsal delivers each storm's alerts through the real pipeline, and not one of its
 * lines reaches the log, while lines logged after it do.
 */
class FullDressRehearsalTest {

  @Test
  void everyLossOfEachStormAndItsResolutionIsDeliveredAndNothingIsLogged() throws Exception {
    Logger root = (Logger) LoggerFactory.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME);
    ListAppender<ILoggingEvent> lines = new ListAppender<>();
    lines.start();
    root.addAppender(lines);
    try {
      FullDressRehearsal rehearsal =
          new FullDressRehearsal(
              ClassifierConfig.defaults(),
              FlappingConfig.defaults(),
              GroupDegradedConfig.defaults(),
              HostDownConfig.defaults(),
              "http://monitor:8080",
              Duration.ofMillis(500));

      FullDressRehearsal.Played played = rehearsal.playQuietly(300, 2);

      // a first round of 100 agents, then 2 of 300: a loss and a resolution for each agent, each
      // one alert at the loopback receiver
      assertThat(played.storms()).isEqualTo(2 * (100 + 2 * 300));
      // then at least one batch of the trickle, every crash and resolution of each delivered
      assertThat(played.trickle()).isPositive();
      assertThat(played.trickle() % (2 * FullDressRehearsal.TRICKLE)).isZero();
      assertThat(lines.list).extracting(ILoggingEvent::getFormattedMessage).isEmpty();
      LoggerFactory.getLogger(FullDressRehearsalTest.class).info("after the rehearsal");
      assertThat(lines.list)
          .extracting(ILoggingEvent::getFormattedMessage)
          .containsExactly("after the rehearsal");
    } finally {
      root.detachAppender(lines);
    }
  }

  @Test
  void aDirectoryLeftByAKilledRehearsalIsDeletedAndOneInUseIsKept(@TempDir Path temporary)
      throws Exception {
    Path left = temporary.resolve(FullDressRehearsal.DIRECTORY_PREFIX + "1");
    Files.createDirectories(left.resolve("zookeeper").resolve("log"));
    Files.writeString(left.resolve("zookeeper").resolve(EmbeddedZooKeeper.LOCK_FILE), "");
    Path inUse = temporary.resolve(FullDressRehearsal.DIRECTORY_PREFIX + "2");
    Path unrelated = Files.createDirectories(temporary.resolve("something-else"));
    try (EmbeddedZooKeeper running = EmbeddedZooKeeper.start(0, inUse.resolve("zookeeper"))) {

      FullDressRehearsal.deleteLeftBehind(temporary);

      assertThat(left).doesNotExist();
      assertThat(inUse.resolve("zookeeper").resolve(EmbeddedZooKeeper.LOCK_FILE)).exists();
      assertThat(unrelated).exists();
    }
  }
}
