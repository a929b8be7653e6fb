package io.flumesentinel.event;

import java.util.Map;

/** Every agent and live node found by the watch's initial load, sent once before any change. */
public record WatchSnapshot(Map<String, NodeData> agents, Map<String, NodeData> live) {

  public WatchSnapshot {
    agents = Map.copyOf(agents);
    live = Map.copyOf(live);
  }
}
