package io.flumesentinel.classify;

import io.flumesentinel.classify.Classifier.AgentNodeAnswer;
import io.flumesentinel.classify.Classifier.Effect;
import io.flumesentinel.classify.Classifier.PublishEvent;
import io.flumesentinel.classify.Classifier.ReadAgentNode;
import io.flumesentinel.classify.Classifier.SendTransition;
import io.flumesentinel.config.ClassifierConfig;
import io.flumesentinel.event.Alert;
import io.flumesentinel.event.NodeChange;
import io.flumesentinel.event.NodeData;
import io.flumesentinel.event.WatchSnapshot;
import io.flumesentinel.protocol.AgentNode;
import io.flumesentinel.protocol.ExitRecord;
import io.flumesentinel.protocol.LiveNode;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * A storm of agent losses played through a classifier of its own, on nodes made up for it: nothing
 * is read from ZooKeeper and nothing is sent anywhere. See {@code StormRehearsal} in the monitor,
 * which plays one at start-up so that the JVM has compiled the alert path before a real storm.
 */
public final class ClassifierRehearsal {

  private ClassifierRehearsal() {}

  /**
   * The down alerts of {@code agents} made-up agents that all lose their live nodes at once: every
   * other one has a crash on record (CRASHED), the others not (SESSION_LOST, once the grace is
   * over). Their lifecycle events are encoded as the classifier's verticle publishes them.
   */
  public static List<Alert> loseAll(ClassifierConfig config, AgentAlerts alerts, int agents) {
    MovableClock clock = new MovableClock(Instant.parse("2026-01-01T00:00:00Z"));
    Classifier classifier = new Classifier(config, alerts, clock);
    Instant started = clock.instant();
    Map<String, NodeData> agentNodes = new HashMap<>();
    Map<String, NodeData> liveNodes = new HashMap<>();
    for (int i = 0; i < agents; i++) {
      String id = "rehearsal-" + i;
      AgentNode node = AgentNode.of("rehearsal-host-" + i, "rehearsal", Map.of("dc", "rehearsal"));
      if (i % 2 == 1) {
        node =
            node.withCrash(
                new ExitRecord(137, "KILL", started, "rehearsal")
                    .ofRun(4242L + i, Duration.ofSeconds(5)));
      }
      agentNodes.put(id, new NodeData(node.toBytes(), i + 1, i + 1, started.toEpochMilli()));
      liveNodes.put(
          id,
          new NodeData(
              new LiveNode(4242L + i, started, "rehearsal", 0).toBytes(),
              agents + i + 1,
              agents + i + 1,
              started.toEpochMilli()));
    }
    List<Alert> down = new ArrayList<>();
    take(classifier.reconcile(new WatchSnapshot(agentNodes, liveNodes)), down);
    clock.advance(Duration.ofSeconds(1));
    for (String id : liveNodes.keySet()) {
      for (Effect effect :
          classifier.changed(
              new NodeChange(
                  NodeChange.Kind.LIVE, NodeChange.Type.DELETED, id, liveNodes.get(id), null))) {
        if (effect instanceof ReadAgentNode read) {
          take(
              classifier.agentNodeRead(
                  read, AgentNodeAnswer.present(agentNodes.get(read.agentId()))),
              down);
        } else {
          take(List.of(effect), down);
        }
      }
    }
    clock.advance(config.grace().plusSeconds(1));
    take(classifier.expire(), down);
    return down;
  }

  private static void take(List<Effect> effects, List<Alert> down) {
    for (Effect effect : effects) {
      if (effect instanceof SendTransition send) {
        down.add(send.alert());
      } else if (effect instanceof PublishEvent publish) {
        publish.event().toJson().encode();
      }
    }
  }

  /** A clock the rehearsal moves on by hand. */
  private static final class MovableClock extends Clock {
    private Instant now;

    MovableClock(Instant now) {
      this.now = now;
    }

    void advance(Duration by) {
      now = now.plus(by);
    }

    @Override
    public ZoneId getZone() {
      return ZoneOffset.UTC;
    }

    @Override
    public Clock withZone(ZoneId zone) {
      return this;
    }

    @Override
    public Instant instant() {
      return now;
    }
  }
}
