package io.flumesentinel.supervisor;

import java.io.IOException;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;

/**
 * Which channel each sink of the agent drains, from the agent's Flume configuration file: the
 * {@code -f FILE} (or {@code --conf-file}) and {@code -n NAME} (or {@code --name}) of its command
 * line, read as Flume reads it ({@code NAME.sinks.SINK.channel = CHANNEL}). Empty when the command
 * names no file or the file cannot be read (a configuration from ZooKeeper or a URI): then a sink
 * is judged against the only channel when there is one, and not at all otherwise.
 */
record FlumeTopology(Map<String, String> sinkChannels) {

  static final FlumeTopology UNKNOWN = new FlumeTopology(Map.of());

  FlumeTopology {
    sinkChannels = Map.copyOf(sinkChannels);
  }

  /**
   * The channel {@code sink} drains: as configured, else the agent's only channel, else {@code
   * null}.
   */
  String channelOf(String sink, List<String> channels) {
    String configured = sinkChannels.get(sink);
    if (configured != null) {
      return configured;
    }
    return channels.size() == 1 ? channels.get(0) : null;
  }

  /** Reads the topology of the agent {@code command} runs; {@link #UNKNOWN} when it cannot. */
  static FlumeTopology of(List<String> command) {
    String file = argument(command, "-f", "--conf-file");
    String agent = argument(command, "-n", "--name");
    if (file == null || agent == null) {
      return UNKNOWN;
    }
    Properties properties = new Properties();
    try (Reader in = Files.newBufferedReader(Path.of(file), StandardCharsets.UTF_8)) {
      properties.load(in);
    } catch (IOException | RuntimeException unreadable) {
      return UNKNOWN;
    }
    return of(properties, agent);
  }

  static FlumeTopology of(Properties properties, String agent) {
    String prefix = agent + ".sinks.";
    Map<String, String> channels = new HashMap<>();
    for (String key : properties.stringPropertyNames()) {
      if (key.startsWith(prefix) && key.endsWith(".channel")) {
        String sink = key.substring(prefix.length(), key.length() - ".channel".length());
        if (!sink.isEmpty() && !sink.contains(".")) {
          channels.put(sink, properties.getProperty(key).strip());
        }
      }
    }
    return new FlumeTopology(channels);
  }

  private static String argument(List<String> command, String shortName, String longName) {
    for (int i = 0; i < command.size(); i++) {
      String arg = command.get(i);
      if ((arg.equals(shortName) || arg.equals(longName)) && i + 1 < command.size()) {
        return command.get(i + 1);
      }
      if (arg.startsWith(longName + "=")) {
        return arg.substring(longName.length() + 1);
      }
    }
    return null;
  }
}
