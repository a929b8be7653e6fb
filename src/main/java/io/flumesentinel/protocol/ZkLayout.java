package io.flumesentinel.protocol;

import org.apache.curator.utils.ZKPaths;

/**
 * Where everything lives under the root znode.
 *
 * <pre>
 * &lt;root&gt;/agents/&lt;id&gt;   PERSISTENT  the agent is registered ({@link AgentNode} JSON)
 * &lt;root&gt;/live/&lt;id&gt;     EPHEMERAL   the agent is running ({@link LiveNode} JSON)
 * &lt;root&gt;/alerts/&lt;key&gt;  PERSISTENT  what is firing and what each receiver was sent
 * &lt;root&gt;/silences/&lt;id&gt; PERSISTENT  a silence (its JSON); removed some days after it ends
 * &lt;root&gt;/acks/&lt;fingerprint&gt; PERSISTENT  an acknowledged firing alert; removed when it resolves
 * &lt;root&gt;/monitor/leader       the leader election of monitors in cluster mode
 * &lt;root&gt;/monitor/epoch        PERSISTENT  its version numbers the leader's terms
 * &lt;root&gt;/monitor/single/&lt;instance&gt;  EPHEMERAL  a monitor running without cluster mode
 * </pre>
 *
 * A live node without its agent node present is a stop in progress or a deliberate stop; an agent
 * node without its live node is an agent that is not running.
 */
public record ZkLayout(String root) {

  public static final String DEFAULT_ROOT = "/flume-sentinel";

  public ZkLayout {
    root = normalize(root);
  }

  public static ZkLayout defaults() {
    return new ZkLayout(DEFAULT_ROOT);
  }

  /** Validates and normalizes a root path: absolute, no trailing slash, not "/" itself. */
  public static String normalize(String root) {
    if (root == null || root.isBlank()) {
      throw new IllegalArgumentException("root path is empty");
    }
    String trimmed = root.strip();
    if (!trimmed.startsWith("/")) {
      throw new IllegalArgumentException("root path '" + root + "' must start with '/'");
    }
    while (trimmed.length() > 1 && trimmed.endsWith("/")) {
      trimmed = trimmed.substring(0, trimmed.length() - 1);
    }
    if (trimmed.equals("/")) {
      throw new IllegalArgumentException("root path must not be '/' itself");
    }
    try {
      org.apache.zookeeper.common.PathUtils.validatePath(trimmed);
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException(
          "root path '" + root + "' is not a valid znode path: " + e.getMessage());
    }
    return trimmed;
  }

  public String agents() {
    return root + "/agents";
  }

  public String live() {
    return root + "/live";
  }

  public String alerts() {
    return root + "/alerts";
  }

  public String silences() {
    return root + "/silences";
  }

  public String acks() {
    return root + "/acks";
  }

  /**
   * @throws IllegalArgumentException when {@code fingerprint} is not an alert's fingerprint (16
   *     lower-case hexadecimal digits)
   */
  public String ack(String fingerprint) {
    if (!isFingerprint(fingerprint)) {
      throw new IllegalArgumentException(
          "'"
              + UntrustedText.cut(UntrustedText.line(String.valueOf(fingerprint)), 64)
              + "' is not an alert fingerprint (16 hexadecimal digits, as /api/alerts shows)");
    }
    return ZKPaths.makePath(acks(), fingerprint);
  }

  /** Whether {@code text} is an alert's fingerprint: 16 lower-case hexadecimal digits. */
  public static boolean isFingerprint(String text) {
    return text != null && text.matches("[0-9a-f]{16}");
  }

  /** The leader election of monitors in cluster mode (Curator's {@code LeaderLatch}). */
  public String monitorLeader() {
    return root + "/monitor/leader";
  }

  /** The znode whose version numbers the leader's terms. */
  public String monitorEpoch() {
    return root + "/monitor/epoch";
  }

  /** Monitors running without cluster mode, one ephemeral node each. */
  public String singleMonitors() {
    return root + "/monitor/single";
  }

  public String agent(String id) {
    return ZKPaths.makePath(agents(), AgentId.require(id));
  }

  public String live(String id) {
    return ZKPaths.makePath(live(), AgentId.require(id));
  }

  public String alert(String key) {
    return ZKPaths.makePath(alerts(), key);
  }

  /**
   * @throws IllegalArgumentException when {@code id} cannot name a silence
   */
  public String silence(String id) {
    String problem = SilenceIds.problem(id);
    if (problem != null) {
      throw new IllegalArgumentException(problem);
    }
    return ZKPaths.makePath(silences(), id);
  }
}
