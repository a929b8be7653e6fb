package io.flumesentinel.metrics;

import io.flumesentinel.event.Addresses;
import io.flumesentinel.event.NodeChange;
import io.flumesentinel.event.WatchSnapshot;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;

/**
 * Keeps the {@link AgentCounts} current from what the watch publishes on {@link
 * Addresses#REGISTRATIONS}. Deployed as a worker before the watch: counting the first snapshot of a
 * large fleet reads every agent node, which is no work for an event loop.
 */
final class AgentCountsVerticle extends VerticleBase {

  private final AgentCounts counts;

  AgentCountsVerticle(AgentCounts counts) {
    this.counts = counts;
  }

  @Override
  public Future<?> start() {
    return vertx
        .eventBus()
        .localConsumer(
            Addresses.REGISTRATIONS,
            message -> {
              Object body = message.body();
              if (body instanceof WatchSnapshot snapshot) {
                counts.load(snapshot);
              } else if (body instanceof NodeChange change) {
                counts.changed(change);
              }
            })
        .completion();
  }
}
