package io.flumesentinel.protocol;

import java.util.ArrayList;
import java.util.List;
import org.apache.curator.framework.api.ACLProvider;
import org.apache.zookeeper.ZooDefs.Perms;
import org.apache.zookeeper.data.ACL;
import org.apache.zookeeper.data.Id;

/**
 * The ACL of every znode the tools create, by path and role: given to Curator as its {@link
 * ACLProvider}, so each create — with its parents, and inside a {@code multi} — carries the ACL its
 * path calls for, whichever tool creates it first.
 *
 * <p>ZooKeeper checks a child's creation and deletion against its parent's ACL, and a change of
 * data against the node's own. So the containers grant CREATE and DELETE to the roles that add and
 * remove their children, and the children grant WRITE to the role that keeps them current:
 *
 * <pre>
 * path                       monitors   agents   operators
 * &lt;root&gt; (and its parents)     rc         rc       rc      each creates the top-level nodes it needs
 * &lt;root&gt;/agents               r          rcd      rd      supervisors register, deregister removes
 * &lt;root&gt;/agents/&lt;id&gt;          r          rw       r       the supervisor records crashes and health
 * &lt;root&gt;/live                 r          rcd      rd
 * &lt;root&gt;/live/&lt;id&gt;            r          rw       r
 * &lt;root&gt;/silences             rcd        -        rcd     POST /api/silences; the monitor removes old ones
 * &lt;root&gt;/silences/&lt;id&gt;        rw         -        rw      silence expire, DELETE /api/silences/{id}
 * &lt;root&gt;/acks                 rcd        -        rcd     ack, the API; the monitor removes resolved ones
 * &lt;root&gt;/acks/&lt;fingerprint&gt;   rw         -        rw      acknowledged again by someone else
 * &lt;root&gt;/alerts               rcd        -        r
 * &lt;root&gt;/alerts/&lt;key&gt;         rw         -        r
 * &lt;root&gt;/monitor/...          rwcd       -        r       leadership, the epoch, unclustered monitors
 * &lt;cluster path&gt;/...          rwcd       -        -       the Vert.x cluster manager
 * anything else under &lt;root&gt;   rwcd       -        -
 * </pre>
 *
 * Nobody gets ADMIN: no tool changes an ACL, and ZooKeeper's super user can.
 */
public final class ZkAcls implements ACLProvider {

  private static final int R = Perms.READ;
  private static final int W = Perms.WRITE;
  private static final int C = Perms.CREATE;
  private static final int D = Perms.DELETE;

  private final ZkLayout layout;
  private final String clusterPath;
  private final List<Id> monitors;
  private final List<Id> agents;
  private final List<Id> operators;

  /**
   * @param clusterPath the Vert.x cluster manager's znode, or {@code null} when there is none
   */
  public ZkAcls(
      ZkLayout layout, String clusterPath, List<Id> monitors, List<Id> agents, List<Id> operators) {
    this.layout = layout;
    this.clusterPath = clusterPath;
    this.monitors = List.copyOf(monitors);
    this.agents = List.copyOf(agents);
    this.operators = List.copyOf(operators);
  }

  /** What a path with no rule of its own gets: the monitors' alone. */
  @Override
  public List<ACL> getDefaultAcl() {
    return acl(R | W | C | D, 0, 0);
  }

  @Override
  public List<ACL> getAclForPath(String path) {
    if (clusterPath != null && within(path, clusterPath)) {
      return acl(R | W | C | D, 0, 0);
    }
    String root = layout.root();
    if (!within(path, root) || path.equals(root) || isAncestor(path, clusterPath)) {
      return acl(R | C, R | C, R | C);
    }
    if (path.equals(layout.agents()) || path.equals(layout.live())) {
      return acl(R, R | C | D, R | D);
    }
    if (within(path, layout.agents()) || within(path, layout.live())) {
      return acl(R, R | W, R);
    }
    // The monitor writes silences and acknowledgements too: its HTTP API takes them from
    // operators holding the write token.
    if (path.equals(layout.silences()) || path.equals(layout.acks())) {
      return acl(R | C | D, 0, R | C | D);
    }
    if (within(path, layout.silences()) || within(path, layout.acks())) {
      return acl(R | W, 0, R | W);
    }
    if (path.equals(layout.alerts())) {
      return acl(R | C | D, 0, R);
    }
    if (within(path, layout.alerts())) {
      return acl(R | W, 0, R);
    }
    if (within(path, root + "/monitor")) {
      return acl(R | W | C | D, 0, R);
    }
    return getDefaultAcl();
  }

  private List<ACL> acl(int monitorPerms, int agentPerms, int operatorPerms) {
    // One entry per id: ZooKeeper grants the union of the entries that match the client, so an id
    // given several roles gets each role's rights; merged, the list stays short in every request.
    List<ACL> acl = new ArrayList<>();
    add(acl, monitors, monitorPerms);
    add(acl, agents, agentPerms);
    add(acl, operators, operatorPerms);
    return acl;
  }

  private static void add(List<ACL> acl, List<Id> ids, int perms) {
    if (perms == 0) {
      return;
    }
    for (Id id : ids) {
      int merged = perms;
      for (int i = 0; i < acl.size(); i++) {
        if (acl.get(i).getId().equals(id)) {
          merged |= acl.get(i).getPerms();
          acl.remove(i);
          break;
        }
      }
      acl.add(new ACL(merged, id));
    }
  }

  /** Whether {@code path} is {@code base} or below it. */
  private static boolean within(String path, String base) {
    return path.equals(base) || path.startsWith(base + "/");
  }

  /** Whether {@code path} is a parent of {@code descendant} (created on the way to it). */
  private static boolean isAncestor(String path, String descendant) {
    return descendant != null && descendant.startsWith(path + "/");
  }
}
