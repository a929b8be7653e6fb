package io.flumesentinel.appender.demo;

import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;

/**
 * Log4j 1.2, which Flume's {@code LoadBalancingLog4jAppender} is written for. Through method
 * handles (resolved once, then as direct as a call): the project's build has no Log4j 1.2, only
 * this application's class path has.
 */
final class Log4j1Call implements LogCall {

  private final Object logger;
  private final MethodHandle info;
  private final MethodHandle shutdown;

  Log4j1Call() throws Throwable {
    MethodHandles.Lookup lookup = MethodHandles.publicLookup();
    Class<?> loggerType = Class.forName("org.apache.log4j.Logger");
    Class<?> categoryType = Class.forName("org.apache.log4j.Category");
    logger =
        lookup
            .findStatic(loggerType, "getLogger", MethodType.methodType(loggerType, String.class))
            .invoke("demo.numbered");
    info =
        lookup
            .findVirtual(categoryType, "info", MethodType.methodType(void.class, Object.class))
            .asType(MethodType.methodType(void.class, Object.class, Object.class));
    shutdown =
        lookup.findStatic(
            Class.forName("org.apache.log4j.LogManager"),
            "shutdown",
            MethodType.methodType(void.class));
  }

  @Override
  public void log(String run, int number) {
    try {
      info.invokeExact(logger, (Object) ("run=" + run + " event " + number));
    } catch (RuntimeException | Error e) {
      throw e;
    } catch (Throwable e) {
      throw new IllegalStateException(e);
    }
  }

  @Override
  public void shutdown() {
    try {
      shutdown.invokeExact();
    } catch (RuntimeException | Error e) {
      throw e;
    } catch (Throwable e) {
      throw new IllegalStateException(e);
    }
  }
}
