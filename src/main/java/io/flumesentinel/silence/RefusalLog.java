package io.flumesentinel.silence;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.slf4j.Logger;

/**
 * The warnings about refused silences: one per silence newly refused (the same silence with the
 * same problem is not logged again at the next read), at most {@value #AT_A_TIME} at a time, so
 * that whoever can write many silence nodes cannot flood the log. The values come from ZooKeeper:
 * the id is a checked silence id, the problem quotes a bounded part of the matchers, and control
 * characters are escaped by the log's layout. Used on one verticle's context only.
 */
final class RefusalLog {

  /** The most refused silences one read logs one by one; the rest are counted in one line. */
  static final int AT_A_TIME = 10;

  private final Logger log;

  /** The refused silences of the last read, as {@code id problem}. */
  private Set<String> known = Set.of();

  RefusalLog(Logger log) {
    this.log = log;
  }

  /** Logs what {@code refused}, all the silences refused by one read, holds that is new. */
  void report(List<InvalidSilence> refused) {
    Set<String> now = new HashSet<>();
    List<InvalidSilence> fresh = new ArrayList<>();
    for (InvalidSilence each : refused) {
      String key = each.silence().id() + " " + each.problem();
      now.add(key);
      if (!known.contains(key)) {
        fresh.add(each);
      }
    }
    known = now;
    fresh.stream()
        .limit(AT_A_TIME)
        .forEach(
            each ->
                log.warn(
                    "Refusing silence {}: {}; it mutes nothing (listed as invalid)",
                    each.silence().id(),
                    each.problem()));
    if (fresh.size() > AT_A_TIME) {
      log.warn(
          "Refusing {} more silences; GET /api/silences and 'silence list' show them all",
          fresh.size() - AT_A_TIME);
    }
  }
}
