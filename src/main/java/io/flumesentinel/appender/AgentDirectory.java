package io.flumesentinel.appender;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;

/**
 * The agent list the sender uses, from what ZooKeeper says and the static list: while ZooKeeper
 * answers, its live agents of the group (the static list only if the group has none); while it is
 * unreachable, the last list it gave followed by the static agents; before it ever answered, the
 * static list. Thread-safe; every change goes to the listener.
 */
final class AgentDirectory {

  /** The agents to use, in order, and where they come from (for JMX and messages). */
  record AgentList(List<AgentAddress> agents, String source) {}

  private final List<AgentAddress> statics;
  private final Consumer<AgentList> listener;
  private List<AgentAddress> lastKnown;
  private boolean reachable;
  private AgentList current;

  AgentDirectory(List<AgentAddress> statics, Consumer<AgentList> listener) {
    this.statics = List.copyOf(statics);
    this.listener = listener;
    this.current = new AgentList(this.statics, "static");
  }

  synchronized AgentList current() {
    return current;
  }

  /** ZooKeeper answered: these are the group's live agents, in order. */
  void discovered(List<AgentAddress> agents) {
    AgentList changed;
    synchronized (this) {
      lastKnown = List.copyOf(agents);
      reachable = true;
      changed = update();
    }
    notify(changed);
  }

  /** ZooKeeper is unreachable (suspended or lost connection, or not yet connected). */
  void unreachable() {
    AgentList changed;
    synchronized (this) {
      reachable = false;
      changed = update();
    }
    notify(changed);
  }

  private AgentList update() {
    AgentList next;
    if (lastKnown == null) {
      next = new AgentList(statics, "static");
    } else if (reachable) {
      next =
          lastKnown.isEmpty()
              ? new AgentList(statics, "static")
              : new AgentList(lastKnown, "zookeeper");
    } else {
      Map<String, AgentAddress> merged = new LinkedHashMap<>();
      for (AgentAddress agent : lastKnown) {
        merged.putIfAbsent(agent.endpoint(), agent);
      }
      for (AgentAddress agent : statics) {
        merged.putIfAbsent(agent.endpoint(), agent);
      }
      next = new AgentList(new ArrayList<>(merged.values()), "last-known");
    }
    if (next.equals(current)) {
      return null;
    }
    current = next;
    return next;
  }

  private void notify(AgentList changed) {
    if (changed != null) {
      listener.accept(changed);
    }
  }
}
