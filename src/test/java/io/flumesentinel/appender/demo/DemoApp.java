package io.flumesentinel.appender.demo;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * How the end-to-end tests start a demo application: its JVM options and a class folder holding
 * only the application's own classes.
 *
 * <p>The options are what an application that cares about its logging calls' latency would also
 * use: a fixed heap ({@code -Xms} = {@code -Xmx}, 128 MB), so the JVM never stops the application
 * to grow or shrink it, touched at start ({@code -XX:+AlwaysPreTouch}) so the first GCs do not
 * fault pages in. The JVM's safepoints go to a log that {@link CallTimes} reads back ({@code
 * -Xlog:safepoint} with the {@code timenanos} decorator: the clock of {@code System.nanoTime}).
 * {@code -Dappender.e2e.appJvmOptions="..."} adds options (space-separated), e.g. {@code
 * -XX:StartFlightRecording=filename=/tmp/app.jfr,settings=profile}.
 */
public final class DemoApp {

  private DemoApp() {}

  /** {@code java} and the options, safepoints logged to {@code safepointLog}; mutable. */
  public static List<String> jvm(Path safepointLog) {
    List<String> command =
        new ArrayList<>(
            List.of(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xms128m",
                "-Xmx128m",
                "-XX:+AlwaysPreTouch",
                "-XX:+UseSerialGC",
                "-Xlog:safepoint=info:file=" + safepointLog + ":timenanos",
                "-Ddemo.safepointLog=" + safepointLog));
    String extra = System.getProperty("appender.e2e.appJvmOptions", "").trim();
    if (!extra.isEmpty()) {
      command.addAll(Arrays.asList(extra.split("\\s+")));
    }
    return command;
  }

  /**
   * Copies {@code main} and the classes every demo application uses into {@code folder}, and
   * returns it: the application's class path gets nothing else of the tests.
   */
  public static String classes(Path folder, Class<?> main) throws IOException {
    return copy(folder, List.of(main, CallTimes.class));
  }

  /**
   * The classes of {@link BenchLoggingApp}, for every framework it runs with, in {@code folder}.
   */
  public static String benchClasses(Path folder) throws IOException {
    return copy(
        folder,
        List.of(
            BenchLoggingApp.class,
            CallTimes.class,
            LogCall.class,
            Slf4jCall.class,
            Log4j1Call.class,
            Log4j2Call.class));
  }

  private static String copy(Path folder, List<Class<?>> types) throws IOException {
    for (Class<?> type : types) {
      String resource = type.getName().replace('.', '/') + ".class";
      Path target = folder.resolve(resource);
      Files.createDirectories(target.getParent());
      try (InputStream in = type.getClassLoader().getResourceAsStream(resource)) {
        Files.copy(in, target, StandardCopyOption.REPLACE_EXISTING);
      }
    }
    return folder.toString();
  }
}
