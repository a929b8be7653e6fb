package io.flumesentinel.config;

import java.time.Duration;
import java.util.List;
import java.util.Objects;

/**
 * How a route groups the alerts it sends, and how often it reminds of those still firing, as
 * Alertmanager's {@code group_by}, {@code group_wait}, {@code group_interval} and {@code
 * repeat_interval}. A child route inherits each value its parent has unless it sets its own.
 *
 * @param groupBy the labels whose values make a group: alerts with the same values go to a receiver
 *     together; {@code [...]} ({@link #ALL}) is every label, so each alert is a group of its own;
 *     {@code []} puts every alert of the route in one group
 * @param groupWait how long the first alert of a new group waits for its siblings before it is
 *     sent; zero (the default) sends it at once
 * @param groupInterval the least time between two sends of one group to a receiver: alerts of a
 *     group that was just sent wait that long and go together; zero (the default) sends them as
 *     soon as the receiver's previous send is done
 * @param repeatInterval how long after a receiver acknowledged a firing alert it is sent again
 *     while it still fires
 */
public record GroupingConfig(
    List<String> groupBy, Duration groupWait, Duration groupInterval, Duration repeatInterval) {

  /** As the only entry of {@code groupBy}: group by every label. */
  public static final String ALL = "...";

  public static final List<String> DEFAULT_GROUP_BY = List.of("alertname");
  public static final Duration DEFAULT_GROUP_WAIT = Duration.ZERO;
  public static final Duration DEFAULT_GROUP_INTERVAL = Duration.ZERO;
  public static final Duration DEFAULT_REPEAT_INTERVAL = Duration.ofHours(4);

  /** One group per alert name, the first alert at once, a reminder every 4 hours. */
  public static final GroupingConfig DEFAULT =
      new GroupingConfig(
          DEFAULT_GROUP_BY, DEFAULT_GROUP_WAIT, DEFAULT_GROUP_INTERVAL, DEFAULT_REPEAT_INTERVAL);

  public GroupingConfig {
    groupBy = List.copyOf(groupBy);
    Objects.requireNonNull(groupWait, "groupWait");
    Objects.requireNonNull(groupInterval, "groupInterval");
    Objects.requireNonNull(repeatInterval, "repeatInterval");
    if (groupBy.contains(ALL) && groupBy.size() > 1) {
      throw new IllegalArgumentException("'...' groups by every label and stands alone");
    }
    if (groupWait.isNegative()) {
      throw new IllegalArgumentException("groupWait must not be negative");
    }
    if (groupInterval.isNegative()) {
      throw new IllegalArgumentException("groupInterval must not be negative");
    }
    if (repeatInterval.isNegative() || repeatInterval.isZero()) {
      throw new IllegalArgumentException("repeatInterval must be positive");
    }
  }

  /** A grouping without a {@code groupInterval}. */
  public GroupingConfig(List<String> groupBy, Duration groupWait, Duration repeatInterval) {
    this(groupBy, groupWait, DEFAULT_GROUP_INTERVAL, repeatInterval);
  }

  /** Whether every label makes the group ({@code groupBy: ['...']}). */
  public boolean byAllLabels() {
    return groupBy.equals(List.of(ALL));
  }
}
