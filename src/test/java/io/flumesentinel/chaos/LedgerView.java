package io.flumesentinel.chaos;

import io.flumesentinel.protocol.ZkLayout;
import io.vertx.core.json.JsonObject;
import java.nio.charset.StandardCharsets;
import org.apache.curator.framework.CuratorFramework;
import org.apache.zookeeper.KeeperException;

/**
 * What the monitor's ledger holds under {@code <root>/alerts}, read as an operator with {@code
 * zkCli} would: by the records' content (their {@code alert.labels.agent} and {@code sent}), not by
 * how their keys are made.
 */
final class LedgerView {

  private LedgerView() {}

  /** Whether a record of {@code agent}'s alert says receiver {@code ops} acknowledged it firing. */
  static boolean recordedFiring(CuratorFramework client, ZkLayout layout, String agent)
      throws Exception {
    if (client.checkExists().forPath(layout.alerts()) == null) {
      return false;
    }
    for (String child : client.getChildren().forPath(layout.alerts())) {
      byte[] data;
      try {
        data = client.getData().forPath(layout.alert(child));
      } catch (KeeperException.NoNodeException gone) {
        continue;
      }
      JsonObject record;
      try {
        record = new JsonObject(new String(data, StandardCharsets.UTF_8));
      } catch (RuntimeException notJson) {
        continue;
      }
      JsonObject alert = record.getJsonObject("alert", new JsonObject());
      JsonObject labels = alert.getJsonObject("labels", new JsonObject());
      JsonObject sent = record.getJsonObject("sent", new JsonObject());
      if (agent.equals(labels.getString("agent")) && "firing".equals(sent.getString("ops"))) {
        return true;
      }
    }
    return false;
  }
}
