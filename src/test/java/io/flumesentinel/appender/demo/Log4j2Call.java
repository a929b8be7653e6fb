package io.flumesentinel.appender.demo;

import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.Logger;

/** Log4j2. */
final class Log4j2Call implements LogCall {

  private final Logger log = LogManager.getLogger("demo.numbered");

  @Override
  public void log(String run, int number) {
    log.info("run={} event {}", run, number);
  }

  @Override
  public void shutdown() {
    LogManager.shutdown();
  }
}
