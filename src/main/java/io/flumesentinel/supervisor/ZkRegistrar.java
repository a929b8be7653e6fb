package io.flumesentinel.supervisor;

import io.flumesentinel.protocol.AgentNode;
import io.flumesentinel.protocol.ExitRecord;
import io.flumesentinel.protocol.Health;
import io.flumesentinel.protocol.LiveNode;
import io.flumesentinel.protocol.NodeDataException;
import io.flumesentinel.protocol.Registration;
import io.flumesentinel.protocol.ResourceHealth;
import io.flumesentinel.protocol.ZkErrors;
import java.io.IOException;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.apache.curator.framework.CuratorFramework;
import org.apache.curator.framework.state.ConnectionState;
import org.apache.zookeeper.KeeperException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The supervisor's side of the registration protocol, kept in step with what the process does while
 * ZooKeeper comes and goes. Every method runs on the supervisor's executor, and so does every
 * completion: no locks.
 *
 * <p>Writes happen one at a time, in this order: the agent node (created, or refreshed keeping its
 * {@code crashCount}; again after every reconnect), then each queued crash (recorded in the agent
 * node and the live node removed in one transaction, so whoever sees the live node go can read
 * why), and only then the live node of the current run. A crash while ZooKeeper is unreachable
 * waits in the queue and is recorded once it is back; the process itself never waits for ZooKeeper.
 * A change of the run's health is written after those, into {@code current} (so the next crash
 * record builds on it); a crash record and a fresh registration drop the health, which belongs to
 * one run. Every node written is {@link AgentNodeLimit bounded} in size.
 */
final class ZkRegistrar {

  private static final Logger log = LoggerFactory.getLogger(ZkRegistrar.class);
  private static final long RETRY_MS = 1000;

  private record Run(long pid, Instant startedAt) {}

  private final CuratorFramework client;
  private final Registration registration;
  private final String agentId;
  private final AgentNode wanted;
  private final String version;
  private final Map<String, String> advertise;
  private final ScheduledExecutorService executor;

  private final Deque<ExitRecord> pendingCrashes = new ArrayDeque<>();
  private final List<CompletableFuture<Void>> drainWaiters = new ArrayList<>();
  private boolean connected;
  private boolean registered;
  private boolean busy;
  private boolean retryScheduled;
  private boolean stopping;
  private long crashCount;

  /** The agent node as this supervisor last wrote or read it; the base of the next crash record. */
  private AgentNode current;

  private Run wantedLive;

  /** The health of the current run to be written, or {@code null}: nothing to say. */
  private Health wantedHealth;

  /** The resource verdicts of the current run to be written, or {@code null}: nothing to say. */
  private ResourceHealth wantedResources;

  private LiveNodeKeeper liveNode;
  private String lastProblem;

  /** The connection's state as Curator last reported it: logged only when it changes. */
  private ConnectionState connection;

  ZkRegistrar(
      CuratorFramework client,
      Registration registration,
      String agentId,
      AgentNode wanted,
      String version,
      Map<String, String> advertise,
      ScheduledExecutorService executor) {
    this.client = client;
    this.registration = registration;
    this.agentId = agentId;
    this.wanted = AgentNodeLimit.fit(wanted);
    this.version = version;
    this.advertise = advertise;
    this.executor = executor;
    client.getConnectionStateListenable().addListener((c, state) -> onConnection(state), executor);
  }

  /** Whether the agent node was written (or found up to date) on the current connection. */
  boolean registered() {
    return registered;
  }

  /** A run started: its live node is created as soon as everything before it is written. */
  void runStarted(long pid, Instant startedAt) {
    wantedLive = new Run(pid, startedAt);
    sync();
  }

  /** The current run's health changed: written once everything before it is. */
  void healthChanged(Health health) {
    wantedHealth = health;
    sync();
  }

  /** The current run's resource verdicts changed: written like a health change. */
  void resourcesChanged(ResourceHealth resources) {
    wantedResources = resources;
    sync();
  }

  /** The run ended unexpectedly: record why, then remove its live node. */
  void runCrashed(ExitRecord exit) {
    wantedLive = null;
    wantedHealth = null;
    wantedResources = null;
    releaseLiveNode();
    pendingCrashes.addLast(exit);
    sync();
  }

  /** Completes when every queued crash is recorded (the caller bounds the wait). */
  CompletableFuture<Void> drained() {
    CompletableFuture<Void> waiter = new CompletableFuture<>();
    drainWaiters.add(waiter);
    notifyDrained();
    return waiter;
  }

  /**
   * A deliberate stop: no more writes of our own; the live node and the agent node go in one multi.
   * Completes with {@code false} when the agent node was not there.
   */
  CompletionStage<Boolean> deregister() {
    stopping = true;
    wantedLive = null;
    wantedHealth = null;
    wantedResources = null;
    pendingCrashes.clear();
    releaseLiveNode();
    return registration.deregister(agentId);
  }

  /** Stops keeping the live node, without deleting it (see {@link LiveNodeKeeper}). */
  void releaseLiveNode() {
    if (liveNode != null) {
      try {
        liveNode.close();
      } catch (IOException e) {
        log.warn("{}: closing the live node keeper: {}", agentId, e.toString());
      }
      liveNode = null;
    }
  }

  private void onConnection(ConnectionState state) {
    // Curator may report a state again (LOST, while it keeps failing to reconnect): one line each.
    boolean changed = state != connection;
    connection = state;
    switch (state) {
      case CONNECTED, RECONNECTED -> {
        if (changed) {
          log.info(
              "{}: ZooKeeper {}",
              agentId,
              state == ConnectionState.CONNECTED ? "connected" : "reconnected");
        }
        connected = true;
        // Someone may have changed or removed the agent node meanwhile: look again.
        registered = false;
        sync();
      }
      case SUSPENDED, LOST -> {
        if (changed) {
          log.warn(
              "{}: ZooKeeper connection {}; the agent keeps running, registration resumes when it is"
                  + " back",
              agentId,
              state.name().toLowerCase(java.util.Locale.ROOT));
        }
        connected = false;
      }
      default -> {}
    }
  }

  /** Does the next write in the order, if any and if none is in flight. */
  private void sync() {
    if (stopping || busy || !connected) {
      return;
    }
    if (!registered) {
      busy = true;
      registerAgent()
          .whenCompleteAsync((v, error) -> done(error, () -> registered = true), executor);
    } else if (!pendingCrashes.isEmpty()) {
      busy = true;
      ExitRecord exit = pendingCrashes.peekFirst();
      recordCrash(exit)
          .whenCompleteAsync(
              (updated, error) ->
                  done(
                      error,
                      () -> {
                        pendingCrashes.removeFirst();
                        current = updated;
                        crashCount = updated.crashCount();
                        log.info(
                            "{}: recorded crash #{} ({}), live node removed",
                            agentId,
                            updated.crashCount(),
                            describe(exit));
                      }),
              executor);
    } else {
      if (wantedLive != null && liveNode == null) {
        LiveNode live =
            new LiveNode(
                wantedLive.pid(),
                wantedLive.startedAt(),
                version,
                crashCount,
                wanted.group(),
                advertise);
        liveNode = new LiveNodeKeeper(client, registration.layout().live(agentId), live.toBytes());
        liveNode.start();
        log.info("{}: live (pid {})", agentId, wantedLive.pid());
      }
      if (wantedLive != null
          && wantedHealth != null
          && current != null
          && !wantedHealth.equals(current.health())) {
        busy = true;
        writeHealth(AgentNodeLimit.fit(current.withHealth(wantedHealth)));
      } else if (wantedLive != null
          && wantedResources != null
          && current != null
          && !wantedResources.equals(current.resources())) {
        busy = true;
        writeHealth(AgentNodeLimit.fit(current.withResources(wantedResources)));
      }
    }
    notifyDrained();
  }

  /**
   * Writes a health change (the node's only writer: no read first); a vanished node is registered
   * again.
   */
  private void writeHealth(AgentNode updated) {
    registration
        .update(agentId, updated)
        .whenCompleteAsync(
            (stat, error) -> {
              if (error != null
                  && ZkErrors.cause(error) instanceof KeeperException.NoNodeException
                  && !stopping) {
                busy = false;
                registered = false;
                sync();
                return;
              }
              done(
                  error,
                  () -> {
                    current = updated;
                    log.info(
                        "{}: health {}{} written to the agent node",
                        agentId,
                        updated.health() == null ? "-" : updated.health().status(),
                        updated.resources() == null
                            ? ""
                            : ", memory "
                                + updated.resources().memory().status()
                                + ", gc "
                                + updated.resources().gc().status());
                  });
            },
            executor);
  }

  private void done(Throwable error, Runnable onSuccess) {
    busy = false;
    if (stopping) {
      return;
    }
    if (error == null) {
      lastProblem = null;
      onSuccess.run();
      sync();
      return;
    }
    String problem = ZkErrors.cause(error).toString();
    if (!problem.equals(lastProblem)) {
      log.warn("{}: ZooKeeper write failed, will retry: {}", agentId, problem);
      lastProblem = problem;
    }
    if (connected && !retryScheduled) {
      retryScheduled = true;
      executor.schedule(
          () -> {
            retryScheduled = false;
            sync();
          },
          RETRY_MS,
          TimeUnit.MILLISECONDS);
    }
  }

  private void notifyDrained() {
    if (pendingCrashes.isEmpty() && !drainWaiters.isEmpty()) {
      drainWaiters.forEach(w -> w.complete(null));
      drainWaiters.clear();
    }
  }

  /** Creates the agent node, or refreshes host, group and labels keeping the crash history. */
  private CompletionStage<Void> registerAgent() {
    return registration
        .readAgent(agentId)
        .exceptionally(
            error -> {
              if (ZkErrors.cause(error) instanceof NodeDataException bad) {
                log.warn(
                    "{}: agent node is unreadable ({}); writing it anew",
                    agentId,
                    bad.getMessage());
                return null;
              }
              throw error instanceof CompletionException ce ? ce : new CompletionException(error);
            })
        .thenCompose(
            existing -> {
              if (existing != null
                  && existing.health() == null
                  && existing.resources() == null
                  && existing.host().equals(wanted.host())
                  && existing.group().equals(wanted.group())
                  && existing.labels().equals(wanted.labels())) {
                crashCount = existing.crashCount();
                current = existing;
                return CompletableFuture.completedFuture(null);
              }
              AgentNode node =
                  AgentNodeLimit.fit(
                      existing == null
                          ? new AgentNode(
                              wanted.host(),
                              wanted.group(),
                              wanted.labels(),
                              Instant.now(),
                              0,
                              null)
                          : new AgentNode(
                              wanted.host(),
                              wanted.group(),
                              wanted.labels(),
                              existing.registeredAt(),
                              existing.crashCount(),
                              existing.lastExit()));
              return registration
                  .register(agentId, node)
                  .thenAccept(
                      path -> {
                        crashCount = node.crashCount();
                        current = node;
                        log.info(
                            "{}: registered at {} (crash count {})",
                            agentId,
                            path,
                            node.crashCount());
                      });
            });
  }

  /**
   * The crash recorded and the live node removed in one transaction, from the agent node as this
   * supervisor last wrote it (it is the node's only writer); an agent node that vanished
   * (deregistered from elsewhere) is written anew and the live node then removed.
   */
  private CompletionStage<AgentNode> recordCrash(ExitRecord exit) {
    AgentNode base =
        current != null
            ? current
            : new AgentNode(
                wanted.host(), wanted.group(), wanted.labels(), Instant.now(), crashCount, null);
    AgentNode updated =
        AgentNodeLimit.fit(base.withCrash(exit).withHealth(null).withResources(null));
    return registration
        .recordCrashAndDropLive(agentId, updated)
        .handle(
            (done, error) -> {
              if (error == null) {
                return CompletableFuture.completedFuture(updated);
              }
              if (ZkErrors.cause(error) instanceof KeeperException.NoNodeException) {
                return registration
                    .register(agentId, updated)
                    .thenCompose(path -> dropLive())
                    .thenApply(v -> updated);
              }
              return CompletableFuture.<AgentNode>failedFuture(ZkErrors.cause(error));
            })
        .thenCompose(stage -> stage);
  }

  private CompletionStage<Void> dropLive() {
    return registration
        .dropLive(agentId)
        .exceptionally(
            error -> {
              if (ZkErrors.cause(error) instanceof KeeperException.NoNodeException) {
                return null; // never created, or gone with an expired session
              }
              throw error instanceof CompletionException ce ? ce : new CompletionException(error);
            });
  }

  private static String describe(ExitRecord exit) {
    return exit.signal() != null ? "signal " + exit.signal() : "code " + exit.code();
  }
}
