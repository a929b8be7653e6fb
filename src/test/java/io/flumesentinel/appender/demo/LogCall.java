package io.flumesentinel.appender.demo;

/**
 * One logging framework as {@link BenchLoggingApp} uses it: one call that logs an event, and the
 * framework's shutdown. Each implementation touches only its own framework's classes, so an
 * application's class path needs only the framework it runs with.
 */
interface LogCall {

  /** Logs {@code run=<run> event <number>} at INFO. */
  void log(String run, int number);

  /** Stops the framework (its appenders flush). */
  void shutdown();

  /** The implementation for {@code framework}: {@code slf4j}, {@code log4j1} or {@code log4j2}. */
  static LogCall of(String framework) throws ReflectiveOperationException {
    // a constructor that throws comes wrapped in InvocationTargetException
    String type =
        switch (framework) {
          case "slf4j" -> "Slf4jCall";
          case "log4j1" -> "Log4j1Call";
          case "log4j2" -> "Log4j2Call";
          default -> throw new IllegalArgumentException("unknown framework " + framework);
        };
    return (LogCall)
        Class.forName(LogCall.class.getPackageName() + "." + type)
            .getDeclaredConstructor()
            .newInstance();
  }
}
