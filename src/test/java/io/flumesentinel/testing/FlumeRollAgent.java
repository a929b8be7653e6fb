package io.flumesentinel.testing;

import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * One real Apache Flume 1.11.0 agent for the log appender's end-to-end tests: an Avro source on a
 * free port, a file channel (what the source accepted survives a SIGKILL), a file_roll sink writing
 * each event's headers and body on a line; run under the fat jar's supervisor in group {@code logs}
 * with {@code --advertise avro=127.0.0.1:<port>}. Its output is read back as lines.
 */
public final class FlumeRollAgent {

  private static final Pattern SEQ = Pattern.compile("sentinel\\.seq=(\\d+)");
  private static final Pattern BATCH = Pattern.compile("sentinel\\.batch=(\\d+)");
  private static final Pattern DROPPED = Pattern.compile("sentinel\\.dropped=(\\d+)");

  /** An event of the appender's in the output: its {@code sentinel.seq} and {@code .batch}. */
  public record Line(long seq, long batch) {}

  public final String id;
  public final Path conf;
  public final Path roll;
  public final Path lib;
  public final int port;

  private FlumeRollAgent(String id, Path conf, Path roll, Path lib, int port) {
    this.id = id;
    this.conf = conf;
    this.roll = roll;
    this.lib = lib;
    this.port = port;
  }

  /** Writes agent {@code id}'s configuration under {@code dir/id}, Flume's jars in {@code lib}. */
  public static FlumeRollAgent prepare(Path dir, Path lib, String id) throws IOException {
    Path home = dir.resolve(id);
    Path roll = home.resolve("roll");
    Files.createDirectories(roll);
    int port = Http.freePort();
    Files.writeString(
        home.resolve(id + ".conf"),
        String.join(
            "\n",
            id + ".sources = r1",
            id + ".channels = c1",
            id + ".sinks = k1",
            id + ".sources.r1.type = avro",
            id + ".sources.r1.bind = 127.0.0.1",
            id + ".sources.r1.port = " + port,
            id + ".sources.r1.channels = c1",
            // a file channel: what the Avro source accepted survives the SIGKILL
            id + ".channels.c1.type = file",
            id + ".channels.c1.checkpointDir = " + home.resolve("checkpoint"),
            id + ".channels.c1.dataDirs = " + home.resolve("data"),
            id + ".channels.c1.minimumRequiredSpace = 1048576",
            id + ".channels.c1.maxFileSize = 16777216",
            id + ".sinks.k1.type = file_roll",
            id + ".sinks.k1.channel = c1",
            id + ".sinks.k1.sink.directory = " + roll,
            id + ".sinks.k1.sink.rollInterval = 0",
            id + ".sinks.k1.sink.serializer = header_and_text",
            ""));
    try (InputStream in = FlumeRollAgent.class.getResourceAsStream("/flume/log4j2.xml")) {
      Files.copy(in, home.resolve("log4j2.xml"));
    }
    return new FlumeRollAgent(id, home, roll, lib, port);
  }

  /** Starts the agent under the fat jar's supervisor, registered with ZooKeeper {@code connect}. */
  public ChildJvm supervise(String connect) throws IOException {
    List<String> args =
        new ArrayList<>(
            List.of(
                "--zk",
                connect,
                "--agent",
                id,
                "--group",
                "logs",
                "--advertise",
                "avro=127.0.0.1:" + port,
                "--restart-delay-ms",
                "500",
                "--"));
    args.addAll(
        List.of(
            ChildJvm.java(),
            "-Xmx96m",
            "-cp",
            conf + ":" + lib + "/*",
            "org.apache.flume.node.Application",
            "-n",
            id,
            "-f",
            conf.resolve(id + ".conf").toString(),
            "--no-reload-conf"));
    return ChildJvm.start(MonitorJar.supervise(args));
  }

  /** {@code 127.0.0.1:<port>}. */
  public String endpoint() {
    return "127.0.0.1:" + port;
  }

  /** Waits (90 s at most) until the Avro source accepts connections. */
  public void awaitListening() {
    await()
        .atMost(Duration.ofSeconds(90))
        .pollInterval(Duration.ofMillis(200))
        .until(this::listening);
  }

  /** Whether the Avro source accepts connections now. */
  public boolean listening() {
    try (Socket socket = new Socket()) {
      socket.connect(new InetSocketAddress("127.0.0.1", port), 500);
      return true;
    } catch (IOException e) {
      return false;
    }
  }

  /** Every line file_roll wrote, files in the order they were started. */
  public List<String> rawLines() throws IOException {
    List<String> lines = new ArrayList<>();
    List<Path> files;
    try (Stream<Path> listing = Files.list(roll)) {
      files = listing.sorted(FlumeRollAgent::byStart).toList();
    }
    for (Path file : files) {
      lines.addAll(Files.readAllLines(file, StandardCharsets.UTF_8));
    }
    return lines;
  }

  /** The appender's events in the output (drop reports left out), in the order written. */
  public List<Line> lines() throws IOException {
    List<Line> lines = new ArrayList<>();
    for (String line : rawLines()) {
      Matcher seq = SEQ.matcher(line);
      Matcher batch = BATCH.matcher(line);
      if (seq.find() && batch.find() && !line.contains("sentinel.dropped")) {
        lines.add(new Line(Long.parseLong(seq.group(1)), Long.parseLong(batch.group(1))));
      }
    }
    return lines;
  }

  /** The sum of the drop reports' counts in the output, each report once (by its seq). */
  public long droppedReported() throws IOException {
    return dropReports().values().stream().mapToLong(Long::longValue).sum();
  }

  /** The drop reports in the output: their seq and the count each reports. */
  public Map<Long, Long> dropReports() throws IOException {
    Map<Long, Long> reports = new HashMap<>();
    for (String line : rawLines()) {
      Matcher dropped = DROPPED.matcher(line);
      Matcher seq = SEQ.matcher(line);
      if (dropped.find() && seq.find()) {
        reports.put(Long.parseLong(seq.group(1)), Long.parseLong(dropped.group(1)));
      }
    }
    return reports;
  }

  /** file_roll names its files {@code <start millis>-<counter>}. */
  private static int byStart(Path a, Path b) {
    String[] x = a.getFileName().toString().split("-");
    String[] y = b.getFileName().toString().split("-");
    int byTime = Long.compare(Long.parseLong(x[0]), Long.parseLong(y[0]));
    return byTime != 0 ? byTime : Long.compare(Long.parseLong(x[1]), Long.parseLong(y[1]));
  }
}
