package io.flumesentinel.supervisor;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * One look at whether the agent answers, as monit's {@code if failed port} or superlance's {@code
 * httpok}: a GET of a URL that must answer 2xx, or a command ({@code /bin/sh -c}) that must exit 0,
 * each within a timeout. Asynchronous: {@link #run()} returns at once; a command that overruns its
 * timeout is killed. Output is discarded (nothing of it is kept).
 */
public final class Probe {

  /**
   * What to probe: exactly one of {@code url} and {@code command}.
   *
   * @param interval time between the end of one look and the start of the next
   * @param timeout how long one look may take
   * @param failures consecutive failed looks that call for a restart
   * @param startGrace how long after a start failed looks do not count
   */
  public record Settings(
      URI url,
      String command,
      Duration interval,
      Duration timeout,
      int failures,
      Duration startGrace) {
    public Settings {
      if ((url == null) == (command == null)) {
        throw new IllegalArgumentException("a probe is a URL or a command");
      }
      Objects.requireNonNull(interval, "interval");
      Objects.requireNonNull(timeout, "timeout");
      Objects.requireNonNull(startGrace, "startGrace");
      if (failures < 1) {
        throw new IllegalArgumentException("failures must be at least 1");
      }
    }

    /** For logs and restart reasons: the URL, or the command. */
    public String target() {
      return url != null ? url.toString() : SecretRedaction.text(command);
    }
  }

  private final Settings settings;
  private final HttpClient http;

  public Probe(Settings settings, HttpClient http) {
    this.settings = settings;
    this.http = http;
  }

  /** Completes with {@code null} when the look passed, else with what failed (one line). */
  public CompletableFuture<String> run() {
    return settings.url() != null ? get() : command();
  }

  private CompletableFuture<String> get() {
    HttpRequest request =
        HttpRequest.newBuilder(settings.url()).timeout(settings.timeout()).GET().build();
    return http.sendAsync(request, HttpResponse.BodyHandlers.discarding())
        .orTimeout(settings.timeout().toMillis() + 1000, TimeUnit.MILLISECONDS)
        .handle(
            (response, error) -> {
              if (error != null) {
                return describe(error);
              }
              int status = response.statusCode();
              return status >= 200 && status < 300 ? null : "HTTP " + status;
            });
  }

  private CompletableFuture<String> command() {
    Process process;
    try {
      process =
          new ProcessBuilder(List.of("/bin/sh", "-c", settings.command()))
              .redirectOutput(ProcessBuilder.Redirect.DISCARD)
              .redirectError(ProcessBuilder.Redirect.DISCARD)
              .start();
    } catch (IOException e) {
      return CompletableFuture.completedFuture("could not start: " + e.getMessage());
    }
    return process
        .onExit()
        .orTimeout(settings.timeout().toMillis(), TimeUnit.MILLISECONDS)
        .handle(
            (ended, error) -> {
              if (error != null) {
                process.descendants().forEach(ProcessHandle::destroyForcibly);
                process.destroyForcibly();
                return "no answer within " + settings.timeout().toMillis() + " ms";
              }
              int code = ended.exitValue();
              return code == 0 ? null : "exit code " + code;
            });
  }

  private String describe(Throwable error) {
    Throwable cause = error;
    while (cause.getCause() != null
        && (cause instanceof java.util.concurrent.CompletionException
            || cause instanceof java.util.concurrent.ExecutionException)) {
      cause = cause.getCause();
    }
    if (cause instanceof TimeoutException || cause instanceof java.net.http.HttpTimeoutException) {
      return "no answer within " + settings.timeout().toMillis() + " ms";
    }
    String message = cause.getMessage();
    return cause.getClass().getSimpleName()
        + (message == null || message.isBlank() ? "" : ": " + message);
  }
}
