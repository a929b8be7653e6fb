package io.flumesentinel;

import io.flumesentinel.config.MonitorConfig;

/** Placeholder for the bootstrap that deploys the monitor's verticles. */
public final class MonitorBootstrap implements MonitorLauncher {

  @Override
  public void launch(MonitorConfig config) {
    throw new UnsupportedOperationException("not wired yet");
  }
}
