package io.flumesentinel.ha;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import io.flumesentinel.config.ClusterConfig;
import io.flumesentinel.config.ConfigException;
import io.flumesentinel.testing.ClusterTls;
import io.vertx.core.eventbus.EventBusOptions;
import io.vertx.core.http.ClientAuth;
import io.vertx.core.net.PfxOptions;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

/** The event bus options a cluster configuration gives. */
class ClusterEventBusTest {

  private final Logger logger = (Logger) LoggerFactory.getLogger(ClusterEventBus.class);
  private final ListAppender<ILoggingEvent> logged = new ListAppender<>();

  @BeforeEach
  void listen() {
    logged.start();
    logger.addAppender(logged);
  }

  @AfterEach
  void stopListening() {
    logger.detachAppender(logged);
  }

  @Test
  void withTlsEveryConnectionIsMutualTlsCheckedAgainstTheTrustStore() {
    ClusterConfig cluster = ClusterTls.shared().cluster("10.0.0.7");

    EventBusOptions options = ClusterEventBus.options(cluster, Map.<String, String>of()::get);

    assertThat(options.isSsl()).isTrue();
    assertThat(options.isTrustAll()).isFalse();
    assertThat(options.getClientAuth()).isEqualTo(ClientAuth.REQUIRED);
    assertThat(options.getKeyCertOptions()).isInstanceOf(PfxOptions.class);
    assertThat(options.getTrustOptions()).isInstanceOf(PfxOptions.class);
    assertThat(options.getHost()).isEqualTo("10.0.0.7");
    assertThat(logged.list).isEmpty();
  }

  @Test
  void insecureOnPurposeRunsWithoutTlsAndSaysSoOnce() {
    ClusterConfig cluster = new ClusterConfig(true, null, null, 15701, null, true);

    EventBusOptions options = ClusterEventBus.options(cluster, Map.<String, String>of()::get);

    assertThat(options.isSsl()).isFalse();
    assertThat(options.getPort()).isEqualTo(15701);
    assertThat(logged.list)
        .singleElement()
        .satisfies(
            event -> {
              assertThat(event.getLevel()).isEqualTo(Level.WARN);
              assertThat(event.getFormattedMessage())
                  .startsWith("cluster.insecure: the clustered event bus runs without TLS")
                  .contains("the event-bus port (15701)");
            });
  }

  @Test
  void neitherSecuredNorInsecureIsRefused() {
    ClusterConfig cluster = new ClusterConfig(true, null, null, 0, null, false);

    assertThatThrownBy(() -> ClusterEventBus.options(cluster, Map.<String, String>of()::get))
        .isInstanceOf(ConfigException.class)
        .hasMessageStartingWith("cluster: the clustered event bus needs TLS");
  }
}
