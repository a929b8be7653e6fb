package io.flumesentinel.metrics;

import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.config.MeterFilter;
import java.util.Map;
import java.util.Set;

/**
 * Keeps the scrape clean for {@code promtool check metrics}: every metric has help text, and none
 * carries an abbreviated unit or a misleading suffix. Micrometer's and Netty's binders break these
 * conventions in a few places: those meters get the help text they lack, or are left out when
 * another one says the same ({@code process_cpu_usage} for the CPU time, the processor count for
 * {@code system.cpu.count}). Installed before any meter is registered.
 */
final class ScrapeHygiene {

  /** Meters left out: an abbreviated unit, or a gauge ending in {@code _count}. */
  private static final Set<String> LEFT_OUT =
      Set.of("jvm.compilation.time", "process.cpu.time", "system.cpu.count");

  /** Help text for the meters whose binder gives none. */
  private static final Map<String, String> HELP =
      Map.of(
          "netty.eventexecutor.tasks.pending",
          "Tasks waiting in the queue of a Netty event executor (a Vert.x event loop, or the"
              + " acceptor)");

  private ScrapeHygiene() {}

  static void apply(MeterRegistry registry) {
    registry
        .config()
        .meterFilter(
            MeterFilter.deny(
                id ->
                    LEFT_OUT.contains(id.getName()) || id.getName().startsWith("netty.allocator.")))
        .meterFilter(
            new MeterFilter() {
              @Override
              public Meter.Id map(Meter.Id id) {
                String help = HELP.get(id.getName());
                if (help == null || id.getDescription() != null) {
                  return id;
                }
                return new Meter.Id(
                    id.getName(), Tags.of(id.getTags()), id.getBaseUnit(), help, id.getType());
              }
            });
  }
}
