package io.flumesentinel.appender;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.curator.framework.CuratorFramework;
import org.apache.curator.framework.CuratorFrameworkFactory;
import org.apache.curator.framework.api.CuratorEvent;
import org.apache.curator.retry.ExponentialBackoffRetry;
import org.apache.zookeeper.KeeperException;
import org.apache.zookeeper.WatchedEvent;
import org.apache.zookeeper.Watcher;

/**
 * Discovery: the live agents of the configured group, read from {@code <root>/live/*} and read
 * again whenever that list changes (a child watch) or the connection comes back. Each read lists
 * the children and then reads their data, asynchronously; only the answer of the latest read is
 * published. While the connection is down the {@link AgentDirectory} keeps the last list.
 *
 * <p>Bounds: the first {@link #MAX_AGENTS} children (by id) are read; a live node's data is parsed
 * only up to {@link LiveAgentParser#MAX_BYTES}; a node that cannot be read is skipped with one
 * warning per agent id (never quoting its data).
 */
final class ZooKeeperAgents implements AutoCloseable {

  static final int MAX_AGENTS = 10_000;

  private final CuratorFramework client;
  private final String livePath;
  private final LiveAgentParser parser;
  private final AgentDirectory directory;
  private final Diagnostics diagnostics;
  private final ZooKeeperAccess access;
  private final AtomicLong generation = new AtomicLong();
  private final Watcher watcher = this::changed;
  private final java.util.Set<String> warned =
      Collections.newSetFromMap(new java.util.concurrent.ConcurrentHashMap<>());
  private volatile boolean closed;

  ZooKeeperAgents(AppenderSettings settings, AgentDirectory directory, Diagnostics diagnostics) {
    this.livePath = settings.root() + "/live";
    this.parser = new LiveAgentParser(settings.group(), settings.advertiseName());
    this.directory = directory;
    this.diagnostics = diagnostics;
    this.access = settings.zkAccess();
    CuratorFrameworkFactory.Builder builder =
        CuratorFrameworkFactory.builder()
            .connectString(settings.zookeeper())
            .sessionTimeoutMs(30_000)
            .connectionTimeoutMs(5_000)
            .retryPolicy(new ExponentialBackoffRetry(500, 10, 10_000))
            .zkClientConfig(access.clientConfig());
    if (!access.authorization().isEmpty()) {
      builder.authorization(access.authorization());
    }
    this.client = builder.build();
  }

  void start() {
    client
        .getConnectionStateListenable()
        .addListener(
            (c, state) -> {
              if (closed) {
                return;
              }
              if (state.isConnected()) {
                // Names the identity: the first thing to check when the live nodes are refused.
                diagnostics.info(
                    "discovery connected to ZooKeeper ("
                        + state
                        + ") as "
                        + access.describe()
                        + (access.tls() ? ", TLS" : ""));
                refresh();
              } else {
                directory.unreachable();
              }
            });
    client
        .getCuratorListenable()
        .addListener(
            (c, event) -> {
              WatchedEvent watched = event.getWatchedEvent();
              if (!closed
                  && watched != null
                  && watched.getState() == Watcher.Event.KeeperState.AuthFailed) {
                warnOnce(
                    "#authfailed",
                    "ZooKeeper refused discovery's login as "
                        + access.describe()
                        + " (AuthFailed): check zkSaslLoginContext and the JAAS file"
                        + " (java.security.auth.login.config); see docs/appender.md");
              }
            });
    client.start();
  }

  private void changed(WatchedEvent event) {
    if (!closed && event.getType() != Watcher.Event.EventType.None) {
      refresh();
    }
  }

  private void refresh() {
    long read = generation.incrementAndGet();
    try {
      client
          .getChildren()
          .usingWatcher(watcher)
          .inBackground((c, event) -> listed(read, event))
          .forPath(livePath);
    } catch (Exception e) {
      diagnostics.warn("cannot list " + livePath + ": " + e);
    }
  }

  private void listed(long read, CuratorEvent event) throws Exception {
    if (closed || read != generation.get()) {
      return;
    }
    int rc = event.getResultCode();
    if (rc == KeeperException.Code.NONODE.intValue()) {
      // no agent ever went live under this root: wait for the folder to appear
      directory.discovered(List.of());
      client.checkExists().usingWatcher(watcher).inBackground().forPath(livePath);
      return;
    }
    if (rc == KeeperException.Code.NOAUTH.intValue()) {
      refused(livePath);
      directory.discovered(List.of());
      return;
    }
    if (rc != KeeperException.Code.OK.intValue()) {
      return; // a connection problem: the connection listener reads again when it is back
    }
    List<String> ids = new ArrayList<>(event.getChildren());
    Collections.sort(ids);
    if (ids.size() > MAX_AGENTS) {
      warnOnce(
          "#limit",
          livePath + " lists " + ids.size() + " agents; the first " + MAX_AGENTS + " are read");
      ids = ids.subList(0, MAX_AGENTS);
    }
    if (ids.isEmpty()) {
      directory.discovered(List.of());
      return;
    }
    AgentAddress[] found = new AgentAddress[ids.size()];
    AtomicInteger pending = new AtomicInteger(ids.size());
    for (int i = 0; i < ids.size(); i++) {
      int index = i;
      String id = ids.get(i);
      client
          .getData()
          .inBackground(
              (c, dataEvent) -> {
                if (dataEvent.getResultCode() == KeeperException.Code.OK.intValue()) {
                  found[index] = agent(id, dataEvent.getData());
                } else if (dataEvent.getResultCode() == KeeperException.Code.NOAUTH.intValue()) {
                  refused(livePath + "/" + id);
                }
                if (pending.decrementAndGet() == 0 && !closed && read == generation.get()) {
                  List<AgentAddress> agents = new ArrayList<>();
                  for (AgentAddress agent : found) {
                    if (agent != null) {
                      agents.add(agent);
                    }
                  }
                  directory.discovered(agents);
                }
              })
          .forPath(livePath + "/" + id);
    }
  }

  private AgentAddress agent(String id, byte[] data) {
    try {
      Optional<AgentAddress> agent = parser.parse(id, data);
      return agent.orElse(null);
    } catch (IllegalArgumentException e) {
      String shown = id.length() > 128 ? id.substring(0, 128) + "…" : id;
      warnOnce(id, "agent " + shown + " skipped: " + e.getMessage());
      return null;
    }
  }

  /**
   * Said once per appender, not once per node: on a registry with ACLs every live node refuses a
   * client without the right identity in the same way.
   */
  private void refused(String path) {
    warnOnce(
        "#noauth",
        "ZooKeeper refused to let discovery read "
            + path
            + " (NoAuth) as "
            + access.describe()
            + ": no agent is discovered; give the appender an identity allowed to read the live"
            + " nodes (zkDigestUser or zkSaslLoginContext, see docs/appender.md)");
  }

  private void warnOnce(String key, String message) {
    if (warned.size() < 1000 && warned.add(key)) {
      diagnostics.warn(message);
    }
  }

  @Override
  public void close() {
    closed = true;
    client.close();
  }
}
