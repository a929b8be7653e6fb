package io.flumesentinel.appender.demo;

import ch.qos.logback.classic.LoggerContext;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** SLF4J on Logback. */
final class Slf4jCall implements LogCall {

  private final Logger log = LoggerFactory.getLogger("demo.numbered");

  @Override
  public void log(String run, int number) {
    log.info("run={} event {}", run, number);
  }

  @Override
  public void shutdown() {
    ((LoggerContext) LoggerFactory.getILoggerFactory()).stop();
  }
}
