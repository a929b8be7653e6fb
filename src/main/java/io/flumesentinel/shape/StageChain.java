package io.flumesentinel.shape;

import io.flumesentinel.event.Alert;
import io.flumesentinel.event.Reconciliation;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Several {@link AlertStage}s run as one, in order (as Alertmanager's {@code MultiStage} runs its
 * stages): what one stage sends on is what the next one is given, so a {@link StageVerticle} runs
 * the whole chain with one consumer, one timer and no event-bus hop between stages. What a stage's
 * {@link #expire()} lets go passes through the stages after it, exactly as a transition would.
 *
 * <p>Pure, like its stages; used from one thread only.
 */
public final class StageChain implements AlertStage {

  private final List<AlertStage> stages;

  private StageChain(List<AlertStage> stages) {
    this.stages = List.copyOf(stages);
  }

  /** The stages in the order a transition goes through them. */
  public static StageChain of(AlertStage... stages) {
    return new StageChain(List.of(stages));
  }

  @Override
  public List<Alert> apply(Alert transition) {
    return applyFrom(0, List.of(transition));
  }

  @Override
  public Reconciliation reconcile(Reconciliation reconciliation) {
    Reconciliation passed = reconciliation;
    for (AlertStage stage : stages) {
      passed = stage.reconcile(passed);
    }
    return passed;
  }

  @Override
  public List<Alert> expire() {
    List<Alert> out = new ArrayList<>();
    for (int i = 0; i < stages.size(); i++) {
      out.addAll(applyFrom(i + 1, stages.get(i).expire()));
    }
    return out;
  }

  @Override
  public Instant nextDeadline() {
    Instant next = null;
    for (AlertStage stage : stages) {
      Instant deadline = stage.nextDeadline();
      if (deadline != null && (next == null || deadline.isBefore(next))) {
        next = deadline;
      }
    }
    return next;
  }

  @Override
  public boolean followsRegistrations() {
    return stages.stream().anyMatch(AlertStage::followsRegistrations);
  }

  @Override
  public List<Alert> registrations(Map<String, String> groupByAgent) {
    List<Alert> out = new ArrayList<>();
    for (int i = 0; i < stages.size(); i++) {
      out.addAll(applyFrom(i + 1, stages.get(i).registrations(groupByAgent)));
    }
    return out;
  }

  /** What a stage sends on because of the registration passes through the stages after it. */
  @Override
  public List<Alert> registration(String agentId, String group) {
    List<Alert> out = new ArrayList<>();
    for (int i = 0; i < stages.size(); i++) {
      out.addAll(applyFrom(i + 1, stages.get(i).registration(agentId, group)));
    }
    return out;
  }

  /** Passes {@code alerts}, in order, through the stages from {@code first} on. */
  private List<Alert> applyFrom(int first, List<Alert> alerts) {
    List<Alert> passing = alerts;
    for (int i = first; i < stages.size() && !passing.isEmpty(); i++) {
      List<Alert> next = new ArrayList<>();
      for (Alert alert : passing) {
        next.addAll(stages.get(i).apply(alert));
      }
      passing = next;
    }
    return passing;
  }
}
