package io.flumesentinel.event;

/** Why an agent alert fires, or what ended it. */
public enum Reason {
  /** The live node went, and the supervisor recorded an unexpected exit of this run. */
  CRASHED("critical"),
  /** The live node went without a crash record: the host, the network or the supervisor is gone. */
  SESSION_LOST("critical"),
  /** Registered but not running, with no history of this run (found at start-up or never started). */
  NOT_RUNNING("critical"),
  /** Both nodes went together: a deliberate stop. Never fires. */
  STOPPED("info"),
  /** The live node is back. Resolves a firing alert. */
  RECOVERED("info");

  private final String severity;

  Reason(String severity) {
    this.severity = severity;
  }

  public String severity() {
    return severity;
  }
}
