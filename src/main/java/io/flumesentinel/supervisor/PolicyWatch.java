package io.flumesentinel.supervisor;

import io.flumesentinel.protocol.Health;
import io.flumesentinel.protocol.ResourceHealth;
import java.io.IOException;
import java.net.http.HttpClient;
import java.time.Clock;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Carries out a supervisor's {@link SupervisorPolicies} while a run lasts: reads the process every
 * interval ({@link ProcessResources}, {@link JvmHealth}) and hands each change of the {@link
 * ResourceJudge}'s verdicts on; asks for a restart when the {@link ResourcePolicy}, the {@link
 * ProbePolicy} or the {@link HealthRestartPolicy} calls for one. Everything runs on the
 * supervisor's executor (a reading of {@code /proc} is a few small file reads; a probe is
 * asynchronous), and nothing is reported after {@link #runEnded()}.
 */
final class PolicyWatch {

  private static final Logger log = LoggerFactory.getLogger(PolicyWatch.class);

  /** The health detail that says why a STUCK or HUNG agent was not restarted. */
  static final String RESTART_DETAIL = "supervisorRestart";

  private final String agentId;
  private final SupervisorPolicies policies;
  private final Clock clock;
  private final ScheduledExecutorService executor;
  private final Consumer<ResourceHealth> resourcesChanged;
  private final Consumer<String> restart;
  private final ProcessResources processes = new ProcessResources();
  private final JvmHealth jvms = new JvmHealth();
  private final HealthRestartPolicy healthRestart;
  private final Probe probe;

  /** The current run; {@code null} between runs. */
  private Run run;

  private final class Run {
    final long pid;
    final ResourceJudge judge = new ResourceJudge(policies.resources(), clock);
    final ResourcePolicy rss = new ResourcePolicy(policies.rss());
    final ProbePolicy probePolicy =
        policies.probe() == null ? null : new ProbePolicy(policies.probe(), clock);
    ScheduledFuture<?> nextReading;
    ScheduledFuture<?> nextProbe;
    String lastProblem;

    Run(long pid) {
      this.pid = pid;
    }
  }

  PolicyWatch(
      String agentId,
      SupervisorPolicies policies,
      Clock clock,
      ScheduledExecutorService executor,
      HttpClient http,
      Consumer<ResourceHealth> resourcesChanged,
      Consumer<String> restart) {
    this.agentId = agentId;
    this.policies = policies;
    this.clock = clock;
    this.executor = executor;
    this.resourcesChanged = resourcesChanged;
    this.restart = restart;
    this.healthRestart = new HealthRestartPolicy(policies.healthRestart(), clock);
    this.probe =
        policies.probe() == null
            ? null
            : new Probe(
                policies.probe(),
                http != null
                    ? http
                    : HttpClient.newBuilder().connectTimeout(policies.probe().timeout()).build());
  }

  /** A run started: readings and probes begin one interval from now. */
  void runStarted(long pid) {
    runEnded();
    run = new Run(pid);
    if (policies.measured() && processes.available()) {
      scheduleReading(run);
    }
    if (probe != null) {
      scheduleProbe(run);
    }
  }

  /** The run ended (or is being ended): no more readings, probes or reports for it. */
  void runEnded() {
    if (run != null) {
      if (run.nextReading != null) {
        run.nextReading.cancel(false);
      }
      if (run.nextProbe != null) {
        run.nextProbe.cancel(false);
      }
      run = null;
    }
  }

  /**
   * Wraps the consumer of health changes: a STUCK or HUNG verdict that the health-restart policy
   * restarts is not written (the restart's crash record says it all); one it may no longer restart
   * is written with a detail saying so.
   */
  Consumer<Health> healthChanges(Consumer<Health> write) {
    return health -> {
      HealthRestartPolicy.Decision decision = healthRestart.changed(health);
      if (decision instanceof HealthRestartPolicy.Restart restartFor && run != null) {
        restart.accept(restartFor.reason());
      } else if (decision instanceof HealthRestartPolicy.Limited limited) {
        log.warn("{}: {}: {}", agentId, health.status(), limited.reason());
        Map<String, String> details = new LinkedHashMap<>(health.details());
        details.put(RESTART_DETAIL, limited.reason());
        write.accept(new Health(health.status(), health.reason(), health.since(), details));
      } else {
        write.accept(health);
      }
    };
  }

  private void scheduleReading(Run current) {
    current.nextReading =
        executor.schedule(
            () -> read(current), policies.resourceInterval().toMillis(), TimeUnit.MILLISECONDS);
  }

  private void read(Run current) {
    if (current != run) {
      return;
    }
    ProcessResources.Sample process;
    try {
      process = processes.read(current.pid);
    } catch (IOException e) {
      scheduleReading(current); // gone: the exit is on its way
      return;
    }
    JvmHealth.Sample jvm = jvms.read(current.pid).orElse(null);
    ResourceHealth changed = current.judge.observe(process, jvm);
    if (changed != null) {
      log.info(
          "{}: memory {}{}, gc {}{}",
          agentId,
          changed.memory().status(),
          changed.memory().high() ? " (" + changed.memory().reason() + ")" : "",
          changed.gc().status(),
          changed.gc().high() ? " (" + changed.gc().reason() + ")" : "");
      resourcesChanged.accept(changed);
    }
    String why = current.rss.observe(process.rssBytes());
    if (why != null) {
      restart.accept(why);
      return;
    }
    scheduleReading(current);
  }

  private void scheduleProbe(Run current) {
    current.nextProbe =
        executor.schedule(
            () -> probe(current), policies.probe().interval().toMillis(), TimeUnit.MILLISECONDS);
  }

  private void probe(Run current) {
    if (current != run) {
      return;
    }
    probe
        .run()
        .whenCompleteAsync(
            (failure, error) -> {
              if (current != run) {
                return;
              }
              String problem = error != null ? String.valueOf(error) : failure;
              if (problem != null && !problem.equals(current.lastProblem)) {
                log.warn("{}: probe {} failed: {}", agentId, policies.probe().target(), problem);
              }
              current.lastProblem = problem;
              String why = current.probePolicy.observe(problem);
              if (why != null) {
                restart.accept(why);
              } else {
                scheduleProbe(current);
              }
            },
            executor);
  }
}
