package io.flumesentinel.testing;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.ThreadLocalRandom;

/** Loopback HTTP for end-to-end tests: free ports and status codes of local endpoints. */
public final class Http {

  private static final HttpClient http =
      HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

  private Http() {}

  /**
   * A port nobody listened on a moment ago, below the kernel's ephemeral range.
   *
   * <p>A port the kernel hands out itself ({@code new ServerSocket(0)}) is in the range it also
   * gives every outgoing connection: between the pick and the bind, a client of any process may
   * take it. A client retrying a connection to that very port, such as a monitor started before its
   * ZooKeeper, can even connect to itself there (a TCP simultaneous open) and hold it. Below the
   * range, only another listener can take the port.
   */
  public static int freePort() throws IOException {
    int below = ephemeralRangeStart();
    for (int attempt = 0; attempt < 200; attempt++) {
      int port = 10_000 + ThreadLocalRandom.current().nextInt(below - 10_000);
      try (ServerSocket socket = new ServerSocket()) {
        socket.bind(new InetSocketAddress(port));
        return port;
      } catch (IOException taken) {
        // another listener has it: try another
      }
    }
    throw new IOException("no free port between 10000 and " + below + " after 200 attempts");
  }

  private static int ephemeralRangeStart() {
    try {
      String range = Files.readString(Path.of("/proc/sys/net/ipv4/ip_local_port_range")).trim();
      int start = Integer.parseInt(range.split("\\s+")[0]);
      return start > 11_000 ? start : 32_768;
    } catch (IOException | RuntimeException notLinux) {
      return 32_768;
    }
  }

  /**
   * The status code of a GET of {@code http://127.0.0.1:<port><path>} within 2 s, or -1 if nothing
   * answered.
   */
  public static int status(int port, String path) throws InterruptedException {
    HttpRequest request =
        HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
            .timeout(Duration.ofSeconds(2))
            .build();
    try {
      return http.send(request, HttpResponse.BodyHandlers.discarding()).statusCode();
    } catch (IOException e) {
      return -1;
    }
  }

  /**
   * The body of a GET of {@code http://127.0.0.1:<port><path>}, which must answer 200 within 2 s.
   */
  public static String get(int port, String path) throws IOException, InterruptedException {
    HttpRequest request =
        HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
            .timeout(Duration.ofSeconds(2))
            .build();
    HttpResponse<String> response = http.send(request, HttpResponse.BodyHandlers.ofString());
    if (response.statusCode() != 200) {
      throw new IOException("GET " + path + ": " + response.statusCode() + " " + response.body());
    }
    return response.body();
  }

  /** The body of a GET of {@code http://127.0.0.1:<port><path>} within 2 s, or {@code null}. */
  public static String body(int port, String path) throws InterruptedException {
    HttpRequest request =
        HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
            .timeout(Duration.ofSeconds(2))
            .build();
    try {
      return http.send(request, HttpResponse.BodyHandlers.ofString()).body();
    } catch (IOException e) {
      return null;
    }
  }
}
