package io.flumesentinel.supervisor;

import io.flumesentinel.protocol.AgentNode;
import io.flumesentinel.protocol.ExitRecord;
import io.flumesentinel.protocol.Registration;
import io.flumesentinel.protocol.ZkErrors;
import io.flumesentinel.zk.ZkClients;
import io.flumesentinel.zk.ZkSecurity;
import java.io.IOException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import org.apache.curator.framework.CuratorFramework;
import org.apache.curator.framework.CuratorFrameworkFactory;
import org.apache.curator.retry.ExponentialBackoffRetry;
import org.apache.curator.x.async.AsyncCuratorFramework;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs one Flume agent (any command) and keeps its registration true: the agent node while it is
 * supervised, the live node exactly while the process runs, a crash record before the live node
 * goes.
 *
 * <p>One thread does everything that changes state (start, exit, restart timers, ZooKeeper
 * completions), so there are no locks; it is also the thread that starts processes, which the
 * parent-death signal requires (see {@link ChildProcess}). ZooKeeper never holds the process up: it
 * is started even when ZooKeeper is unreachable, and registration catches up when it is back.
 *
 * <p>Ends in one of three ways, reported by {@link #exitStatus()}: {@link #stop()} (0: the process
 * is stopped and the agent deregistered, no alert), a clean exit the restart policy does not
 * restart (0, deregistered), or a failure it does not or no longer restarts (1: the crash is
 * recorded and the agent node kept, so the monitor keeps alerting).
 */
public final class Supervisor {

  private static final Logger log = LoggerFactory.getLogger(Supervisor.class);

  private enum State {
    RUNNING,
    WAITING,
    STOPPING,
    DONE
  }

  private final SupervisorConfig config;
  private final Clock clock;
  private final RestartPolicy policy;
  private final ScheduledExecutorService executor;
  private final CuratorFramework client;
  private final ZkRegistrar registrar;
  private final CompletableFuture<Integer> exitStatus = new CompletableFuture<>();
  private State state = State.WAITING;
  private ChildProcess child;

  /** When the current (or last) run started: its record says how long it lasted. */
  private Instant runStartedAt;

  private ScheduledFuture<?> restartTimer;

  /** For Flume's metrics; {@code null} when health is not watched. */
  private final java.net.http.HttpClient http;

  private FlumeMetricsPoller poller;

  /**
   * The policies of {@link SupervisorPolicies}: measuring the process, restarting it on purpose.
   */
  private final PolicyWatch policyWatch;

  /** Why the supervisor is ending the current run to restart it, or {@code null}. */
  private String restartReason;

  private Supervisor(SupervisorConfig config, Clock clock) {
    this.config = config;
    this.clock = clock;
    this.policy = new RestartPolicy(config.restart(), clock);
    this.executor =
        Executors.newSingleThreadScheduledExecutor(
            r -> {
              Thread thread = new Thread(r, "supervisor-" + config.agentId());
              thread.setDaemon(false);
              return thread;
            });
    this.client =
        ZkSecurity.apply(
                CuratorFrameworkFactory.builder()
                    .connectString(config.zkConnect())
                    .sessionTimeoutMs((int) config.sessionTimeout().toMillis())
                    .connectionTimeoutMs((int) config.connectionTimeout().toMillis())
                    .retryPolicy(new ExponentialBackoffRetry(100, 3, 1000)),
                ZkClients.clientConfig(config.zkTls()),
                config.access(),
                config.layout(),
                null)
            .build();
    Registration registration =
        new Registration(AsyncCuratorFramework.wrap(client), config.layout());
    AgentNode wanted = AgentNode.of(config.host(), config.group(), config.labels());
    this.registrar =
        new ZkRegistrar(
            client,
            registration,
            config.agentId(),
            wanted,
            config.version(),
            config.advertise(),
            executor);
    this.http =
        config.health() == null
            ? null
            : java.net.http.HttpClient.newBuilder()
                .connectTimeout(config.health().timeout())
                .build();
    this.policyWatch =
        new PolicyWatch(
            config.agentId(),
            config.policies(),
            clock,
            executor,
            null,
            registrar::resourcesChanged,
            this::restartFor);
  }

  /**
   * Connects to ZooKeeper (waiting at most the connection timeout, so the agent node is normally
   * written before the process starts), then starts the process. Returns at once after that.
   */
  public static Supervisor start(SupervisorConfig config, Clock clock) {
    Supervisor supervisor = new Supervisor(config, clock);
    if (config.useSetpriv()) {
      log.info(
          "{}: the agent runs behind setpriv --pdeathsig KILL: it dies with this supervisor",
          config.agentId());
    } else {
      log.warn(
          "{}: {} not found: if this supervisor is killed with SIGKILL, the agent keeps running unsupervised",
          config.agentId(),
          ChildProcess.SETPRIV);
    }
    supervisor.client.start();
    supervisor.executor.execute(supervisor::firstStart);
    return supervisor;
  }

  /**
   * Whether agents can be started so that they die with their supervisor (see {@link
   * ChildProcess}).
   */
  public static boolean setprivAvailable() {
    return ChildProcess.setprivAvailable();
  }

  /** Completes with the exit status once the supervisor has finished (see the class comment). */
  public CompletableFuture<Integer> exitStatus() {
    return exitStatus;
  }

  /**
   * A deliberate stop: SIGTERM to the process, SIGKILL after the stop timeout, then both nodes
   * removed in one multi. Returns at once; wait on {@link #exitStatus()}.
   */
  public void stop() {
    try {
      executor.execute(this::stopNow);
    } catch (java.util.concurrent.RejectedExecutionException alreadyDone) {
      // finished already
    }
  }

  /** The pid of the running process, or -1. For tests and logs. */
  public long pid() {
    ChildProcess current = child;
    return current == null || !current.isAlive() ? -1 : current.pid();
  }

  private void firstStart() {
    try {
      if (!client.blockUntilConnected(
          (int) config.connectionTimeout().toMillis(), TimeUnit.MILLISECONDS)) {
        log.warn(
            "{}: ZooKeeper {} unreachable after {} ms; starting the agent anyway, it registers when"
                + " ZooKeeper is back",
            config.agentId(),
            config.zkConnect(),
            config.connectionTimeout().toMillis());
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    // The live node waits until the agent node is written (ZkRegistrar), whichever comes first.
    startChild();
  }

  private void startChild() {
    if (state == State.STOPPING || state == State.DONE) {
      return;
    }
    restartTimer = null;
    policy.started();
    Instant startedAt = clock.instant();
    runStartedAt = startedAt;
    ChildProcess started;
    try {
      started =
          ChildProcess.start(
              config.agentId(), config.command(), config.useSetpriv(), config.policies());
    } catch (IOException e) {
      log.error(
          "{}: could not start {}: {}",
          config.agentId(),
          SecretRedaction.commandLine(config.command()),
          SecretRedaction.text(String.valueOf(e.getMessage())));
      afterExit(new ChildExit(127), SecretRedaction.text(String.valueOf(e.getMessage())), null);
      return;
    }
    child = started;
    state = State.RUNNING;
    log.info(
        "{}: started pid {}: {}",
        config.agentId(),
        started.pid(),
        SecretRedaction.commandLine(config.command()));
    registrar.runStarted(started.pid(), startedAt);
    started.onExit().thenAcceptAsync(exit -> onChildExit(started, exit), executor);
    watchHealth(started);
    policyWatch.runStarted(started.pid());
  }

  /**
   * Ends the current run on purpose to start it again (a {@link SupervisorPolicies policy} asked):
   * SIGTERM, SIGKILL after the stop timeout; the exit is then recorded with {@code reason} and
   * restarted as the start limit allows ({@link RestartPolicy#restartRequested}).
   */
  private void restartFor(String reason) {
    ChildProcess running = child;
    if (state != State.RUNNING || restartReason != null || running == null) {
      return;
    }
    restartReason = reason;
    stopWatchingHealth();
    policyWatch.runEnded();
    log.warn(
        "{}: restarting pid {}: {} (SIGTERM, SIGKILL after {} ms)",
        config.agentId(),
        running.pid(),
        reason,
        config.stopTimeout().toMillis());
    running.terminate();
    executor.schedule(
        () -> {
          if (running.isAlive()) {
            log.warn("{}: pid {} still running: SIGKILL", config.agentId(), running.pid());
            running.kill();
          }
        },
        config.stopTimeout().toMillis(),
        TimeUnit.MILLISECONDS);
  }

  /**
   * Looks at Flume's metrics while this run lasts (a process that is gone is a crash, not a hang).
   */
  private void watchHealth(ChildProcess run) {
    stopWatchingHealth();
    if (config.health() != null) {
      poller =
          new FlumeMetricsPoller(
              config.agentId(),
              config.health(),
              http,
              new HealthJudge(
                  config.health().judge(),
                  config.health().flow(),
                  FlumeTopology.of(config.command()),
                  clock),
              executor,
              policyWatch.healthChanges(registrar::healthChanged),
              run::componentLines);
      poller.start();
    }
  }

  private void stopWatchingHealth() {
    if (poller != null) {
      poller.stop();
      poller = null;
    }
  }

  private void onChildExit(ChildProcess ended, ChildExit exit) {
    if (ended != child || state != State.RUNNING) {
      return; // a stop in progress handles its own exit
    }
    stopWatchingHealth();
    policyWatch.runEnded();
    state = State.WAITING;
    afterExit(exit, ended.stderrTail(), ended.pid());
  }

  /**
   * @param pid the process that ended, {@code null} when none started
   */
  private void afterExit(ChildExit exit, String stderrTail, Long pid) {
    String requested = restartReason;
    restartReason = null;
    if (requested != null) {
      afterRequestedExit(exit, stderrTail, pid, requested);
      return;
    }
    RestartPolicy.Decision decision = policy.exited(exit);
    if (exit.clean() && decision instanceof RestartPolicy.Stop) {
      log.info("{}: exited with code 0 and is not restarted: deregistering", config.agentId());
      deregisterAndFinish(0);
      return;
    }
    Instant exitedAt = clock.instant();
    // What follows goes into the same record, written with the live node's removal: whoever sees
    // the agent go reads whether it comes back.
    ExitRecord record =
        next(
            exit.toRecord(exitedAt, stderrTail)
                .ofRun(pid, pid == null ? null : Duration.between(runStartedAt, exitedAt)),
            decision);
    registrar.runCrashed(record);
    if (decision instanceof RestartPolicy.Restart restart) {
      log.warn(
          "{}: exited unexpectedly with {}; restarting in {} ms",
          config.agentId(),
          exit.describe(),
          restart.delay().toMillis());
      restartTimer =
          executor.schedule(this::startChild, restart.delay().toMillis(), TimeUnit.MILLISECONDS);
    } else if (decision instanceof RestartPolicy.GiveUp giveUp) {
      log.error(
          "{}: FAILED: {}; not restarting (the agent node stays, so the alert stays)",
          config.agentId(),
          giveUp.reason());
      finishAfterDrain(1);
    } else if (decision instanceof RestartPolicy.Stop stop) {
      log.error("{}: FAILED: {}", config.agentId(), stop.reason());
      finishAfterDrain(1);
    }
  }

  private static ExitRecord next(ExitRecord record, RestartPolicy.Decision decision) {
    if (decision instanceof RestartPolicy.Restart restart) {
      return record.restartingIn(restart.delay());
    }
    if (decision instanceof RestartPolicy.GiveUp giveUp) {
      return record.givenUp(giveUp.reason());
    }
    return decision instanceof RestartPolicy.Stop stop ? record.givenUp(stop.reason()) : record;
  }

  /** The end of a run the supervisor ended itself: recorded with why, restarted unless limited. */
  private void afterRequestedExit(ChildExit exit, String stderrTail, Long pid, String reason) {
    RestartPolicy.Decision decision = policy.restartRequested(exit);
    String recorded =
        decision instanceof RestartPolicy.GiveUp giveUp
            ? reason + " (not started again: " + giveUp.reason() + ")"
            : reason;
    Instant exitedAt = clock.instant();
    registrar.runCrashed(
        next(
            exit.toRecord(exitedAt, stderrTail)
                .ofRun(pid, pid == null ? null : Duration.between(runStartedAt, exitedAt))
                .withRestartReason(recorded),
            decision));
    if (decision instanceof RestartPolicy.Restart restart) {
      log.warn(
          "{}: ended with {} to restart it ({}); starting again in {} ms",
          config.agentId(),
          exit.describe(),
          reason,
          restart.delay().toMillis());
      restartTimer =
          executor.schedule(this::startChild, restart.delay().toMillis(), TimeUnit.MILLISECONDS);
    } else {
      log.error(
          "{}: FAILED: {}; not restarting (the agent node stays, so the alert stays)",
          config.agentId(),
          decision instanceof RestartPolicy.GiveUp giveUp ? giveUp.reason() : decision);
      finishAfterDrain(1);
    }
  }

  /**
   * Leaves after the crash records are written, or after the connection timeout if ZooKeeper is
   * away.
   */
  private void finishAfterDrain(int status) {
    state = State.STOPPING;
    long waitMs = config.connectionTimeout().plusSeconds(5).toMillis();
    registrar
        .drained()
        .orTimeout(waitMs, TimeUnit.MILLISECONDS)
        .whenCompleteAsync(
            (v, error) -> {
              if (error != null) {
                log.error(
                    "{}: the crash record could not be written to ZooKeeper within {} ms",
                    config.agentId(),
                    waitMs);
              }
              registrar.releaseLiveNode();
              finish(status);
            },
            executor);
  }

  private void stopNow() {
    if (state == State.STOPPING || state == State.DONE) {
      return;
    }
    state = State.STOPPING;
    stopWatchingHealth();
    policyWatch.runEnded();
    if (restartTimer != null) {
      restartTimer.cancel(false);
    }
    ChildProcess running = child;
    if (running != null && running.isAlive()) {
      long timeoutMs = config.stopTimeout().toMillis();
      log.info(
          "{}: stopping pid {} (SIGTERM, SIGKILL after {} ms)",
          config.agentId(),
          running.pid(),
          timeoutMs);
      running.terminate();
      try {
        if (!running.waitFor(timeoutMs)) {
          log.warn(
              "{}: pid {} still running after {} ms: SIGKILL",
              config.agentId(),
              running.pid(),
              timeoutMs);
          running.kill();
          running.waitFor(5000);
        }
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        running.kill();
      }
      log.info(
          "{}: pid {} stopped{}",
          config.agentId(),
          running.pid(),
          running.isAlive() ? " (still running)" : " (exit " + running.exitValue() + ")");
    }
    deregisterAndFinish(0);
  }

  private void deregisterAndFinish(int status) {
    state = State.STOPPING;
    long waitMs = config.connectionTimeout().plusSeconds(2).toMillis();
    registrar
        .deregister()
        .toCompletableFuture()
        .orTimeout(waitMs, TimeUnit.MILLISECONDS)
        .whenCompleteAsync(
            (removed, error) -> {
              if (error != null) {
                log.error(
                    "{}: could not deregister ({}); the live node expires with the session and the monitor"
                        + " alerts SESSION_LOST; run 'flume-sentinel deregister' when ZooKeeper is back",
                    config.agentId(),
                    ZkErrors.cause(error).toString());
              } else if (removed) {
                log.info("{}: deregistered", config.agentId());
              } else {
                log.info("{}: was not registered", config.agentId());
              }
              finish(status);
            },
            executor);
  }

  private void finish(int status) {
    state = State.DONE;
    stopWatchingHealth();
    policyWatch.runEnded();
    client.close();
    executor.shutdown();
    log.info("{}: supervisor finished with status {}", config.agentId(), status);
    exitStatus.complete(status);
  }

  /** For tests: the configured stop timeout plus the time the deregistration may take. */
  Duration worstStopTime() {
    return config.stopTimeout().plus(config.connectionTimeout()).plusSeconds(7);
  }
}
