package io.flumesentinel.event;

/** Why an agent alert fires, or what ended it. */
public enum Reason {
  /** The live node went, and the supervisor recorded an unexpected exit of this run. */
  CRASHED("critical"),
  /** The live node went without a crash record: the host, the network or the supervisor is gone. */
  SESSION_LOST("critical"),
  /**
   * Registered but not running, with no history of this run (found at start-up or never started).
   */
  NOT_RUNNING("critical"),
  /** Both nodes went together: a deliberate stop. Never fires. */
  STOPPED("info"),
  /** The live node is back, or the agent's health is OK again. Resolves a firing alert. */
  RECOVERED("info"),
  /**
   * Running, but a channel stays full: nothing is delivered (the supervisor reads Flume's metrics).
   */
  STUCK("warning"),
  /** Running, but Flume's metrics endpoint stopped answering. */
  HUNG("warning"),
  /** The agent stopped running: resolves its health alert, the down alert takes over. */
  DOWN("info"),
  /**
   * Running, but its heap, resident memory or open file descriptors stay near their limits (the
   * supervisor measures the process).
   */
  MEMORY("warning"),
  /** Running, but its JVM spends a large share of its time collecting garbage. */
  GC("warning");

  private final String severity;

  Reason(String severity) {
    this.severity = severity;
  }

  public String severity() {
    return severity;
  }
}
