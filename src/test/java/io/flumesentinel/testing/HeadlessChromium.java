package io.flumesentinel.testing;

import static org.awaitility.Awaitility.await;

import io.vertx.core.Vertx;
import io.vertx.core.http.WebSocket;
import io.vertx.core.http.WebSocketClientOptions;
import io.vertx.core.http.WebSocketConnectOptions;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A real headless Chromium (Debian's {@code chromium}), driven over the Chrome DevTools Protocol
 * with a Vert.x WebSocket client: open a page, evaluate JavaScript in it, take screenshots. No
 * WebDriver and no npm: the browser is started with {@code --remote-debugging-port=0}, which it
 * writes to {@code DevToolsActivePort} in its profile directory, and the page's target is found
 * with {@code GET /json/list}.
 *
 * <p>The binary is {@code chromium} on the PATH unless the system property {@code chromium.binary}
 * names another. Every call waits at most {@link #CALL_TIMEOUT}.
 */
public final class HeadlessChromium implements AutoCloseable {

  public static final Duration CALL_TIMEOUT = Duration.ofSeconds(15);

  private final Process process;
  private final Vertx vertx;
  private final WebSocket socket;
  private final AtomicInteger ids = new AtomicInteger();
  private final Map<Integer, CompletableFuture<JsonObject>> calls = new ConcurrentHashMap<>();

  private HeadlessChromium(Process process, Vertx vertx, WebSocket socket) {
    this.process = process;
    this.vertx = vertx;
    this.socket = socket;
    socket.textMessageHandler(this::received);
  }

  /**
   * Starts a browser with a fresh profile under {@code dir} (its output goes to {@code
   * dir/chromium.log}), and connects to its first page, blank.
   */
  public static HeadlessChromium start(Path dir) throws Exception {
    Path profile = Files.createDirectories(dir.resolve("chromium-profile"));
    List<String> command = new ArrayList<>();
    command.add(System.getProperty("chromium.binary", "chromium"));
    command.addAll(
        List.of(
            "--headless=new",
            "--remote-debugging-port=0",
            "--remote-allow-origins=*",
            "--user-data-dir=" + profile,
            // In containers tests often run as root, where Chromium's sandbox cannot start.
            "--no-sandbox",
            "--disable-gpu",
            "--disable-dev-shm-usage",
            "--no-first-run",
            "--no-default-browser-check",
            "--disable-extensions",
            "--disable-background-networking",
            "--window-size=1280,1400",
            "about:blank"));
    Process process =
        new ProcessBuilder(command)
            .redirectErrorStream(true)
            .redirectOutput(dir.resolve("chromium.log").toFile())
            .start();
    Vertx vertx = Vertx.vertx();
    try {
      Path portFile = profile.resolve("DevToolsActivePort");
      await()
          .atMost(Duration.ofSeconds(30))
          .until(() -> !process.isAlive() || Files.exists(portFile) && lines(portFile) >= 2);
      if (!process.isAlive()) {
        throw new IOException(
            "chromium exited with " + process.exitValue() + "; see " + dir.resolve("chromium.log"));
      }
      int port = Integer.parseInt(Files.readAllLines(portFile).get(0).strip());
      URI page = URI.create(pageSocket(port));
      WebSocket socket =
          vertx
              .createWebSocketClient(
                  new WebSocketClientOptions()
                      .setMaxFrameSize(64 * 1024 * 1024)
                      .setMaxMessageSize(64 * 1024 * 1024))
              .connect(
                  new WebSocketConnectOptions()
                      .setHost(page.getHost())
                      .setPort(page.getPort())
                      .setURI(page.getRawPath()))
              .await(CALL_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
      return new HeadlessChromium(process, vertx, socket);
    } catch (Exception e) {
      process.destroyForcibly();
      vertx.close();
      throw e;
    }
  }

  private static long lines(Path file) throws IOException {
    return Files.readAllLines(file).stream().filter(line -> !line.isBlank()).count();
  }

  /** The DevTools WebSocket address of the browser's first page. */
  private static String pageSocket(int port) throws Exception {
    HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    HttpRequest request =
        HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/json/list"))
            .timeout(CALL_TIMEOUT)
            .build();
    JsonArray targets =
        new JsonArray(http.send(request, HttpResponse.BodyHandlers.ofString()).body());
    for (int i = 0; i < targets.size(); i++) {
      JsonObject target = targets.getJsonObject(i);
      if ("page".equals(target.getString("type"))) {
        return target.getString("webSocketDebuggerUrl");
      }
    }
    throw new IOException("chromium shows no page: " + targets.encode());
  }

  private void received(String text) {
    JsonObject message = new JsonObject(text);
    Integer id = message.getInteger("id");
    if (id == null) {
      return; // an event: none is subscribed to
    }
    CompletableFuture<JsonObject> call = calls.remove(id);
    if (call == null) {
      return;
    }
    if (message.containsKey("error")) {
      call.completeExceptionally(
          new IllegalStateException("DevTools error: " + message.getJsonObject("error").encode()));
    } else {
      call.complete(message.getJsonObject("result", new JsonObject()));
    }
  }

  /** Calls a DevTools method of the page and returns its result. */
  public JsonObject call(String method, JsonObject params) throws Exception {
    int id = ids.incrementAndGet();
    CompletableFuture<JsonObject> answer = new CompletableFuture<>();
    calls.put(id, answer);
    socket
        .writeTextMessage(
            new JsonObject().put("id", id).put("method", method).put("params", params).encode())
        .await(CALL_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
    try {
      return answer.get(CALL_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
    } finally {
      calls.remove(id);
    }
  }

  /** Loads {@code url} in the page and returns once its document is complete. */
  public void navigate(String url) throws Exception {
    call("Page.enable", new JsonObject());
    call("Page.navigate", new JsonObject().put("url", url));
    await()
        .atMost(CALL_TIMEOUT)
        .until(
            () ->
                "complete".equals(evaluate("document.readyState"))
                    && url.equals(evaluate("location.href")));
  }

  /**
   * The value of {@code expression} evaluated in the page (a promise is awaited), as JSON gives it:
   * a String, Number, Boolean, JsonObject, JsonArray or {@code null}.
   *
   * @throws IllegalStateException when the expression throws
   */
  public Object evaluate(String expression) throws Exception {
    JsonObject result =
        call(
            "Runtime.evaluate",
            new JsonObject()
                .put("expression", expression)
                .put("returnByValue", true)
                .put("awaitPromise", true));
    if (result.containsKey("exceptionDetails")) {
      throw new IllegalStateException(
          "the page threw: " + result.getJsonObject("exceptionDetails").encode());
    }
    return result.getJsonObject("result").getValue("value");
  }

  /** A PNG of the whole page, written to {@code file} (its directory is created). */
  public Path screenshot(Path file) throws Exception {
    JsonObject shot =
        call(
            "Page.captureScreenshot",
            new JsonObject().put("format", "png").put("captureBeyondViewport", true));
    Files.createDirectories(file.toAbsolutePath().getParent());
    Files.write(file, Base64.getDecoder().decode(shot.getString("data")));
    return file;
  }

  /** {@code text} as a JavaScript string literal, for building expressions. */
  public static String literal(String text) {
    String array = new JsonArray().add(text).encode();
    return array.substring(1, array.length() - 1);
  }

  @Override
  public void close() throws Exception {
    try {
      socket.close().await(5, TimeUnit.SECONDS);
    } catch (Exception e) {
      // the browser is stopped below either way
    }
    process.destroy();
    if (!process.waitFor(10, TimeUnit.SECONDS)) {
      process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
    }
    vertx.close().await(10, TimeUnit.SECONDS);
  }
}
