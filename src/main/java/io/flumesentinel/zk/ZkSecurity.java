package io.flumesentinel.zk;

import io.flumesentinel.config.ZkAccess;
import io.flumesentinel.protocol.ZkAcls;
import io.flumesentinel.protocol.ZkLayout;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.function.Consumer;
import javax.security.auth.login.Configuration;
import org.apache.curator.framework.AuthInfo;
import org.apache.curator.framework.CuratorFramework;
import org.apache.curator.framework.CuratorFrameworkFactory;
import org.apache.curator.x.async.AsyncCuratorFramework;
import org.apache.zookeeper.ZooDefs.Ids;
import org.apache.zookeeper.ZooDefs.Perms;
import org.apache.zookeeper.client.ZKClientConfig;
import org.apache.zookeeper.data.ACL;

/**
 * Gives a Curator client its identity and the ACLs of the protocol ({@link ZkAcls}), from a {@link
 * ZkAccess}: every client of every command is built through here, so they all authenticate the same
 * way and create znodes with the same ACLs.
 *
 * <p>SASL's JAAS configuration is one per JVM (the system property {@value
 * ZkAccess#JAAS_PROPERTY}): a configured {@code jaasFile} becomes the JVM's when the JVM has none
 * ({@link ZkAccess.Sasl} has already refused a different one), and each client picks its own
 * section of it through its {@link ZKClientConfig}, so clients of several identities can share one
 * JVM.
 */
public final class ZkSecurity {

  private ZkSecurity() {}

  /**
   * Sets {@code builder}'s credentials, ACL provider and client configuration.
   *
   * @param clientConfig the client configuration to complete and give the builder (usually {@link
   *     ZkClients#clientConfig()})
   * @param clusterPath the Vert.x cluster manager's znode, or {@code null} for a client that never
   *     writes there
   */
  public static CuratorFrameworkFactory.Builder apply(
      CuratorFrameworkFactory.Builder builder,
      ZKClientConfig clientConfig,
      ZkAccess access,
      ZkLayout layout,
      String clusterPath) {
    ZkAccess.Sasl sasl = access.sasl();
    if (sasl != null) {
      installJaasFile(sasl);
      clientConfig.setProperty(ZKClientConfig.ENABLE_CLIENT_SASL_KEY, "true");
      clientConfig.setProperty(ZKClientConfig.LOGIN_CONTEXT_NAME_KEY, sasl.loginContext());
      String jaasFile = System.getProperty(ZkAccess.JAAS_PROPERTY);
      if (jaasFile != null) {
        // Only named in the client's messages: the login itself reads the JVM's configuration.
        clientConfig.setProperty(ZkAccess.JAAS_PROPERTY, jaasFile);
      }
      if (sasl.serverPrincipal() != null) {
        clientConfig.setProperty(ZKClientConfig.ZK_SASL_CLIENT_USERNAME, sasl.serverPrincipal());
      }
    }
    if (access.digest() != null) {
      // Curator sends it again on every new session.
      builder.authorization(List.of(new AuthInfo("digest", access.digest().credentials())));
    }
    ZkAcls acls = acls(access, layout, clusterPath);
    if (acls != null) {
      builder.aclProvider(acls);
    }
    return builder.zkClientConfig(clientConfig);
  }

  /** The ACL provider a client of {@code access} uses, or {@code null} when there is no ACL. */
  private static ZkAcls acls(ZkAccess access, ZkLayout layout, String clusterPath) {
    ZkAccess.Acl acl = access.acl();
    return acl == null
        ? null
        : new ZkAcls(layout, clusterPath, acl.monitors(), acl.agents(), acl.operators());
  }

  /**
   * Reads the ACL of the root and its top-level znodes, once, and tells {@code warnings} of each
   * that anyone may still write: created before {@code zookeeper.acl} was configured (ZooKeeper
   * sets an ACL only at creation), so the ACLs of the nodes below protect less than the
   * configuration says. Asynchronous; a node that is missing or unreadable is skipped.
   */
  public static CompletionStage<Void> checkExistingAcls(
      CuratorFramework client, ZkLayout layout, Consumer<String> warnings) {
    AsyncCuratorFramework async = AsyncCuratorFramework.wrap(client);
    List<String> paths =
        List.of(
            layout.root(),
            layout.agents(),
            layout.live(),
            layout.silences(),
            layout.acks(),
            layout.alerts(),
            layout.root() + "/monitor");
    CompletableFuture<?>[] reads = new CompletableFuture<?>[paths.size()];
    for (int i = 0; i < paths.size(); i++) {
      String path = paths.get(i);
      reads[i] =
          async
              .getACL()
              .forPath(path)
              .handle(
                  (acl, error) -> {
                    if (error == null && openToAnyone(acl)) {
                      warnings.accept(
                          path
                              + " is writable by anyone (world:anyone): it was created before"
                              + " zookeeper.acl was set; set its ACL as docs/security.md says"
                              + " (An existing tree)");
                    }
                    return null;
                  })
              .toCompletableFuture();
    }
    return CompletableFuture.allOf(reads);
  }

  private static boolean openToAnyone(List<ACL> acl) {
    int write = Perms.WRITE | Perms.CREATE | Perms.DELETE | Perms.ADMIN;
    return acl.stream()
        .anyMatch(
            entry -> entry.getId().equals(Ids.ANYONE_ID_UNSAFE) && (entry.getPerms() & write) != 0);
  }

  private static synchronized void installJaasFile(ZkAccess.Sasl sasl) {
    String current = System.getProperty(ZkAccess.JAAS_PROPERTY);
    if (sasl.jaasFile() == null || (current != null && !current.isBlank())) {
      return;
    }
    System.setProperty(ZkAccess.JAAS_PROPERTY, sasl.jaasFile().toString());
    try {
      // A configuration read before the property was set (without one) would be kept otherwise.
      Configuration.getConfiguration().refresh();
    } catch (SecurityException unreadable) {
      // None was loaded yet: the first login reads the file named now.
    }
  }
}
