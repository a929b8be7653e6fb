package io.flumesentinel.cli;

import io.flumesentinel.config.ConfigException;
import io.flumesentinel.config.ZkAccess;
import io.flumesentinel.protocol.AgentId;
import io.flumesentinel.protocol.Registration;
import io.flumesentinel.protocol.ZkLayout;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import org.apache.curator.x.async.AsyncCuratorFramework;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code flume-sentinel deregister}: the deliberate stop's ZooKeeper half, from anywhere — the live
 * node and the agent node removed in one multi, so the monitor raises no alert. For an agent whose
 * supervisor gave up or whose host is gone for good. Exit status 0 when removed, 1 when the agent
 * was not registered or ZooKeeper could not be reached (one line on stderr naming the ensemble,
 * after the connection timeout).
 */
@Command(
    name = "deregister",
    mixinStandardHelpOptions = true,
    versionProvider = ManifestVersion.class,
    sortOptions = false,
    usageHelpAutoWidth = true,
    description =
        "Removes agent ID's registration (live and agent node in one multi): a deliberate stop, no alert.")
public final class DeregisterCommand implements Callable<Integer> {

  @Spec private CommandSpec spec;

  @Option(
      names = "--zk",
      paramLabel = "CONNECT",
      required = true,
      description = "ZooKeeper connect string.")
  private String zkConnect;

  @Option(names = "--agent", paramLabel = "ID", required = true, description = "Agent id.")
  private String agentId;

  @Option(
      names = "--root",
      paramLabel = "PATH",
      description = "Root znode (default ${DEFAULT-VALUE}).")
  private String root = ZkLayout.DEFAULT_ROOT;

  @Mixin private ZkTlsOption tls = new ZkTlsOption();

  @Option(
      names = "--zk-auth",
      paramLabel = "FILE",
      defaultValue = "${env:" + SilenceCommand.ZK_AUTH_ENV + "}",
      description =
          "ZooKeeper authentication and ACLs: a YAML file with the keys auth and acl (see"
              + " docs/security.md); default $"
              + SilenceCommand.ZK_AUTH_ENV
              + ". Passwords stay in the files it names.")
  private Path auth;

  @Override
  public Integer call() throws Exception {
    if (AgentId.problem(agentId) != null) {
      throw new ConfigException("--agent", AgentId.problem(agentId));
    }
    ZkLayout layout;
    try {
      layout = new ZkLayout(root);
    } catch (IllegalArgumentException e) {
      throw new ConfigException("--root", e.getMessage());
    }
    ZkAccess access = CommandZooKeeper.access(auth);
    try (CommandZooKeeper zk = CommandZooKeeper.connect(zkConnect, tls.load(), access, layout)) {
      Registration registration = new Registration(AsyncCuratorFramework.wrap(zk.client()), layout);
      boolean removed = zk.await(registration.deregister(agentId));
      if (removed) {
        spec.commandLine()
            .getOut()
            .println("flume-sentinel: agent " + agentId + " deregistered from " + layout.root());
        spec.commandLine().getOut().flush();
        return 0;
      }
      spec.commandLine()
          .getErr()
          .println(
              "flume-sentinel: agent " + agentId + " is not registered under " + layout.root());
      spec.commandLine().getErr().flush();
      return 1;
    }
  }
}
