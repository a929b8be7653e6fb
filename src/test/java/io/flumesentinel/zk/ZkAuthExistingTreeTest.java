package io.flumesentinel.zk;

import static org.assertj.core.api.Assertions.assertThat;

import io.flumesentinel.config.ZkAccess;
import io.flumesentinel.protocol.ZkLayout;
import io.flumesentinel.testing.Zk;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.apache.curator.framework.CuratorFramework;
import org.apache.curator.framework.CuratorFrameworkFactory;
import org.apache.curator.retry.RetryOneTime;
import org.apache.curator.test.TestingServer;
import org.apache.zookeeper.data.Id;
import org.junit.jupiter.api.Test;

/**
 * A tree created before ACLs were configured keeps {@code world:anyone}: the monitor names each
 * top-level znode anyone may still write, and only those.
 */
class ZkAuthExistingTreeTest {

  @Test
  void topLevelNodesLeftOpenAreNamed() throws Exception {
    ZkLayout layout = new ZkLayout("/existing-tree");
    ZkAccess access =
        new ZkAccess(
            null,
            null,
            new ZkAccess.Acl(
                List.of(new Id("ip", "127.0.0.1")),
                List.of(new Id("ip", "127.0.0.1")),
                List.of(new Id("ip", "127.0.0.1"))));
    try (TestingServer server = Zk.server();
        CuratorFramework open = Zk.client(server.getConnectString(), Duration.ofSeconds(10));
        CuratorFramework secured =
            ZkSecurity.apply(
                    CuratorFrameworkFactory.builder()
                        .connectString(server.getConnectString())
                        .retryPolicy(new RetryOneTime(100)),
                    ZkClients.clientConfig(),
                    access,
                    layout,
                    null)
                .build()) {
      secured.start();
      // before: the root and agents, open; after: silences and alerts, with their ACLs
      open.create().creatingParentsIfNeeded().forPath(layout.agents());
      secured.create().forPath(layout.silences());
      secured.create().forPath(layout.alerts());

      List<String> warnings = new CopyOnWriteArrayList<>();
      ZkSecurity.checkExistingAcls(secured, layout, warnings::add)
          .toCompletableFuture()
          .get(10, TimeUnit.SECONDS);

      assertThat(warnings)
          .containsExactlyInAnyOrder(
              "/existing-tree is writable by anyone (world:anyone): it was created before"
                  + " zookeeper.acl was set; set its ACL as docs/security.md says (An existing"
                  + " tree)",
              "/existing-tree/agents is writable by anyone (world:anyone): it was created before"
                  + " zookeeper.acl was set; set its ACL as docs/security.md says (An existing"
                  + " tree)");
    }
  }
}
