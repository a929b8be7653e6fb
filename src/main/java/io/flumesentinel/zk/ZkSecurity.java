package io.flumesentinel.zk;

import io.flumesentinel.config.ZkAccess;
import io.flumesentinel.protocol.ZkAcls;
import io.flumesentinel.protocol.ZkLayout;
import java.util.List;
import javax.security.auth.login.Configuration;
import org.apache.curator.framework.AuthInfo;
import org.apache.curator.framework.CuratorFrameworkFactory;
import org.apache.zookeeper.client.ZKClientConfig;

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
      clientConfig.setProperty(ZkAccess.JAAS_PROPERTY, System.getProperty(ZkAccess.JAAS_PROPERTY));
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
  public static ZkAcls acls(ZkAccess access, ZkLayout layout, String clusterPath) {
    ZkAccess.Acl acl = access.acl();
    return acl == null
        ? null
        : new ZkAcls(layout, clusterPath, acl.monitors(), acl.agents(), acl.operators());
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
