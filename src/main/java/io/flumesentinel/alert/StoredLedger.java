package io.flumesentinel.alert;

import io.flumesentinel.protocol.ZkErrors;
import io.flumesentinel.protocol.ZkLayout;
import io.flumesentinel.zk.ChildrenReader;
import io.vertx.core.Context;
import io.vertx.core.Future;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.apache.curator.x.async.AsyncCuratorFramework;
import org.apache.curator.x.async.api.CreateOption;
import org.apache.zookeeper.KeeperException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The ledger as stored under {@code <root>/alerts} when it was read: the paths that exist (for the
 * writer, which must know them) and the records that could be read. An unreadable record is logged,
 * left where it is and not among {@code records}.
 */
record StoredLedger(Set<String> paths, List<LedgerRecord> records) {

  private static final Logger log = LoggerFactory.getLogger(StoredLedger.class);

  StoredLedger {
    paths = Set.copyOf(paths);
    records = List.copyOf(records);
  }

  /**
   * Reads every record, creating {@code <root>/alerts} if it is missing; callbacks run on {@code
   * context}. Fails when ZooKeeper does; a record deleted meanwhile is simply not there. The
   * records are read in a few byte-sized batches ({@link ChildrenReader}), not one request each.
   */
  static Future<StoredLedger> read(AsyncCuratorFramework zk, ZkLayout layout, Context context) {
    return Future.fromCompletionStage(
            zk.create()
                .withOptions(EnumSet.of(CreateOption.createParentsIfNeeded))
                .forPath(layout.alerts()),
            context)
        .recover(
            error ->
                ZkErrors.is(error, KeeperException.Code.NODEEXISTS)
                    ? Future.succeededFuture()
                    : Future.failedFuture(error))
        .compose(created -> new ChildrenReader(zk.unwrap(), context).read(layout.alerts()))
        .map(
            children -> {
              Set<String> paths = new HashSet<>();
              List<LedgerRecord> records = new ArrayList<>();
              children
                  .nodes()
                  .forEach(
                      (child, node) -> {
                        String path = layout.alert(child);
                        paths.add(path);
                        try {
                          records.add(LedgerRecord.parse(node.data()));
                        } catch (RuntimeException e) {
                          log.warn("Ignoring unreadable alert record {}: {}", path, e.toString());
                        }
                      });
              return new StoredLedger(paths, records);
            });
  }
}
