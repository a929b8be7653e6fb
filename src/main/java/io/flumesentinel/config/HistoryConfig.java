package io.flumesentinel.config;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonProperty;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.time.Duration;

/**
 * The notification history: every alert transition and every delivery attempt, kept in an embedded
 * database on the monitor's disk (see docs/history.md).
 *
 * @param enabled {@code false}: nothing is kept, and {@code GET /api/history} says so
 * @param dir the database's directory, created if missing; one monitor per directory
 * @param retention records older than this are deleted
 * @param maxRecords the most records kept; the oldest go first beyond it
 */
public record HistoryConfig(boolean enabled, Path dir, Duration retention, long maxRecords) {

  /** Two weeks: enough to look back over an incident and the week before it. */
  public static final Duration DEFAULT_RETENTION = Duration.ofDays(14);

  /**
   * About 700 MB on disk at most (some 700 bytes a record, indexes included); a storm of 5,000
   * crashes, delivered at the first try, costs some 20,000 records.
   */
  public static final long DEFAULT_MAX_RECORDS = 1_000_000;

  /** Next to the embedded ZooKeeper's data ({@code data/zookeeper}). */
  public static final Path DEFAULT_DIR = Path.of("data", "history");

  static final Duration SHORTEST_RETENTION = Duration.ofHours(1);
  static final Duration LONGEST_RETENTION = Duration.ofDays(3650);
  static final long FEWEST_RECORDS = 1_000;
  static final long MOST_RECORDS = 100_000_000;

  public static HistoryConfig defaults() {
    return new HistoryConfig(true, DEFAULT_DIR, DEFAULT_RETENTION, DEFAULT_MAX_RECORDS);
  }

  /** No history: the monitor keeps nothing on its disk. */
  public static HistoryConfig disabled() {
    return new HistoryConfig(false, DEFAULT_DIR, DEFAULT_RETENTION, DEFAULT_MAX_RECORDS);
  }

  /** The default history, kept in {@code dir}. */
  public static HistoryConfig in(Path dir) {
    return new HistoryConfig(true, dir, DEFAULT_RETENTION, DEFAULT_MAX_RECORDS);
  }

  /**
   * The {@code history} section: {@code enabled} (default true), {@code dir} (default {@code
   * data/history}), {@code retention} (1h to 3650d, default 14d) and {@code maxRecords} (1000 to
   * 100,000,000, default 1,000,000).
   */
  @JsonCreator
  static HistoryConfig read(
      @JsonProperty("enabled") Boolean enabled,
      @JsonProperty("dir") String dir,
      @JsonProperty("retention") Duration retention,
      @JsonProperty("maxRecords") Long maxRecords) {
    HistoryConfig defaults = defaults();
    return new HistoryConfig(
        enabled == null ? defaults.enabled : enabled,
        dir == null ? defaults.dir : directory(dir),
        retention == null
            ? defaults.retention
            : DurationKey.inRange("retention", retention, SHORTEST_RETENTION, LONGEST_RETENTION),
        maxRecords == null
            ? defaults.maxRecords
            : ConfigChecks.inRange("maxRecords", maxRecords, FEWEST_RECORDS, MOST_RECORDS));
  }

  private static Path directory(String value) {
    if (value.isBlank()) {
      throw new ConfigException("dir", "must be a directory path, got an empty value");
    }
    try {
      return Path.of(value.strip());
    } catch (InvalidPathException e) {
      throw new ConfigException(
          "dir", ConfigChecks.quote(value) + " is not a valid path: " + e.getReason());
    }
  }
}
