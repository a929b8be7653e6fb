package io.flumesentinel.supervisor;

import io.flumesentinel.protocol.FlowVerdict;
import io.flumesentinel.protocol.FlowVerdict.Check;
import io.flumesentinel.supervisor.FlumeMetrics.Component;
import io.flumesentinel.supervisor.FlumeMetrics.Type;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * The flow checks of one run of a Flume agent, per component, from successive answers of its
 * metrics: an opted-in source that receives nothing ({@link Check#SOURCE_IDLE}), a sink that drains
 * nothing while its channel holds events ({@link Check#SINK_STALLED}), a channel whose fill trend
 * predicts it full soon ({@link Check#CHANNEL_FILLING}), error counters that rise ({@link
 * Check#AGENT_ERRORS}). Pure: no I/O, time from the injected clock; used from one thread.
 *
 * <p>A verdict keeps the figures and output lines of the look that raised it: it is reported when
 * it appears and when it clears, not with every change of a number. A component gone from the
 * metrics (a reconfigured agent) takes its verdicts with it.
 */
public final class FlowJudge {

  /** The counters of Flume's sources and sinks that count failures. */
  static final List<String> ERROR_COUNTERS =
      List.of(
          "ChannelWriteFail",
          "EventReadFail",
          "GenericProcessingFail",
          "EventWriteFail",
          "ConnectionFailedCount",
          "ChannelReadFail");

  /** Every source of the agent is expected to receive ({@code --source-idle '*'}). */
  public static final String ALL_SOURCES = "*";

  /**
   * @param idleSources the sources that must receive (names, or {@value #ALL_SOURCES}); none: no
   *     source is checked
   * @param sourceIdleFor how long an expected source may receive nothing
   * @param sinkStalledFor how long a sink may drain nothing while its channel holds events
   * @param fillWindow how far back the fill trend of a channel looks
   * @param fillWithin a channel predicted full within this time is reported
   * @param errorsQuietFor error counters that have not risen for this long are quiet again
   */
  public record Settings(
      Set<String> idleSources,
      Duration sourceIdleFor,
      Duration sinkStalledFor,
      Duration fillWindow,
      Duration fillWithin,
      Duration errorsQuietFor) {

    public static final Duration DEFAULT_SOURCE_IDLE_FOR = Duration.ofMinutes(5);
    public static final Duration DEFAULT_SINK_STALLED_FOR = Duration.ofSeconds(60);
    public static final Duration DEFAULT_FILL_WINDOW = Duration.ofMinutes(5);
    public static final Duration DEFAULT_FILL_WITHIN = Duration.ofMinutes(15);
    public static final Duration DEFAULT_ERRORS_QUIET_FOR = Duration.ofMinutes(5);

    public Settings {
      idleSources = Set.copyOf(idleSources);
      Objects.requireNonNull(sourceIdleFor, "sourceIdleFor");
      Objects.requireNonNull(sinkStalledFor, "sinkStalledFor");
      Objects.requireNonNull(fillWindow, "fillWindow");
      Objects.requireNonNull(fillWithin, "fillWithin");
      Objects.requireNonNull(errorsQuietFor, "errorsQuietFor");
    }

    public static Settings defaults() {
      return new Settings(
          Set.of(),
          DEFAULT_SOURCE_IDLE_FOR,
          DEFAULT_SINK_STALLED_FOR,
          DEFAULT_FILL_WINDOW,
          DEFAULT_FILL_WITHIN,
          DEFAULT_ERRORS_QUIET_FOR);
    }

    boolean expects(String source) {
      return idleSources.contains(source) || idleSources.contains(ALL_SOURCES);
    }
  }

  /** The output lines that concern a component ({@link ComponentLog#linesOf}). */
  @FunctionalInterface
  interface ComponentLines {
    ComponentLines NONE = (component, components) -> List.of();

    /**
     * @param components every component of the agent and its kind
     */
    List<String> linesOf(String component, Map<String, Type> components);
  }

  /** A counter's last value and when it last rose. */
  private static final class Progress {
    double count;
    Instant since;

    Progress(double count, Instant since) {
      this.count = count;
      this.since = since;
    }
  }

  private final Settings settings;
  private final FlumeTopology topology;
  private final Clock clock;
  private final Map<String, Progress> sources = new HashMap<>();
  private final Map<String, Progress> sinks = new HashMap<>();
  private final Map<String, FillTrend> channels = new HashMap<>();
  private final Map<String, Map<String, Double>> errorCounts = new HashMap<>();
  private final Map<String, Instant> errorsSince = new HashMap<>();
  private final Map<String, Instant> errorsLastRose = new HashMap<>();
  private final Map<String, FlowVerdict> verdicts = new LinkedHashMap<>();

  FlowJudge(Settings settings, FlumeTopology topology, Clock clock) {
    this.settings = settings;
    this.topology = topology;
    this.clock = clock;
  }

  /** The verdicts standing now, in the order they were raised. */
  List<FlowVerdict> verdicts() {
    return List.copyOf(verdicts.values());
  }

  /**
   * One answer of the metrics endpoint.
   *
   * @return whether the verdicts changed (one raised or cleared)
   */
  boolean look(FlumeMetrics metrics, ComponentLines lines) {
    Instant now = clock.instant();
    Map<String, FlowVerdict> raised = new LinkedHashMap<>();
    Map<String, Component> channelsByName = new LinkedHashMap<>();
    Map<String, Type> names = new LinkedHashMap<>();
    for (Component component : metrics.components()) {
      names.put(component.name(), component.type());
      if (component.type() == Type.CHANNEL) {
        channelsByName.put(component.name(), component);
      }
    }
    Set<String> standing = new LinkedHashSet<>();
    for (Component component : metrics.components()) {
      if (!FlowVerdict.COMPONENT_NAME.matcher(component.name()).matches()) {
        continue;
      }
      switch (component.type()) {
        case SOURCE -> source(component, now, standing, raised, lines, names);
        case SINK -> sink(component, channelsByName, now, standing, raised, lines, names);
        case CHANNEL -> channel(component, now, standing, raised, lines, names);
      }
      if (component.type() != Type.CHANNEL) {
        errors(component, now, standing, raised, lines, names);
      }
    }
    boolean changed = verdicts.keySet().retainAll(standing);
    for (Map.Entry<String, FlowVerdict> verdict : raised.entrySet()) {
      if (verdicts.size() < FlowVerdict.MAX_VERDICTS && !verdicts.containsKey(verdict.getKey())) {
        verdicts.put(verdict.getKey(), verdict.getValue());
        changed = true;
      }
    }
    return changed;
  }

  private void source(
      Component source,
      Instant now,
      Set<String> standing,
      Map<String, FlowVerdict> raised,
      ComponentLines lines,
      Map<String, Type> names) {
    if (!settings.expects(source.name())) {
      return;
    }
    double received =
        orZero(source.value("EventReceivedCount")) + orZero(source.value("EventAcceptedCount"));
    Progress progress = sources.get(source.name());
    if (progress == null || received > progress.count) {
      sources.put(source.name(), new Progress(received, now));
      return;
    }
    Duration idle = Duration.between(progress.since, now);
    if (idle.compareTo(settings.sourceIdleFor()) < 0) {
      return;
    }
    Map<String, String> figures = new LinkedHashMap<>();
    figures.put("idleForSeconds", seconds(idle));
    figures.put("thresholdSeconds", seconds(settings.sourceIdleFor()));
    figures.put("EventReceivedCount", count(source.value("EventReceivedCount")));
    figures.put("EventAcceptedCount", count(source.value("EventAcceptedCount")));
    stand(
        Check.SOURCE_IDLE,
        source.name(),
        "source "
            + source.name()
            + " received nothing for "
            + seconds(idle)
            + " s (expected within "
            + seconds(settings.sourceIdleFor())
            + " s)",
        progress.since,
        figures,
        List.of(source.name()),
        standing,
        raised,
        lines,
        names);
  }

  private void sink(
      Component sink,
      Map<String, Component> channelsByName,
      Instant now,
      Set<String> standing,
      Map<String, FlowVerdict> raised,
      ComponentLines lines,
      Map<String, Type> names) {
    Double drained = sink.value("EventDrainSuccessCount");
    String channelName = topology.channelOf(sink.name(), List.copyOf(channelsByName.keySet()));
    Component channel = channelName == null ? null : channelsByName.get(channelName);
    Double held = channel == null ? null : channel.value("ChannelSize");
    Progress progress = sinks.get(sink.name());
    if (drained == null || held == null || held <= 0) {
      sinks.remove(sink.name());
      return;
    }
    if (progress == null || drained > progress.count) {
      sinks.put(sink.name(), new Progress(drained, now));
      return;
    }
    Duration stalled = Duration.between(progress.since, now);
    if (stalled.compareTo(settings.sinkStalledFor()) < 0) {
      return;
    }
    Map<String, String> figures = new LinkedHashMap<>();
    figures.put("channel", channelName);
    figures.put("channelSize", count(held));
    figures.put("EventDrainSuccessCount", count(drained));
    figures.put("stalledForSeconds", seconds(stalled));
    figures.put("thresholdSeconds", seconds(settings.sinkStalledFor()));
    if (sink.value("ConnectionFailedCount") != null) {
      figures.put("ConnectionFailedCount", count(sink.value("ConnectionFailedCount")));
    }
    if (sink.value("EventWriteFail") != null) {
      figures.put("EventWriteFail", count(sink.value("EventWriteFail")));
    }
    stand(
        Check.SINK_STALLED,
        sink.name(),
        "sink "
            + sink.name()
            + " drained nothing for "
            + seconds(stalled)
            + " s while channel "
            + channelName
            + " holds "
            + count(held)
            + " events",
        progress.since,
        figures,
        List.of(sink.name()),
        standing,
        raised,
        lines,
        names);
  }

  private void channel(
      Component channel,
      Instant now,
      Set<String> standing,
      Map<String, FlowVerdict> raised,
      ComponentLines lines,
      Map<String, Type> names) {
    Double fill = channel.value("ChannelFillPercentage");
    if (fill == null) {
      return;
    }
    FillTrend trend =
        channels.computeIfAbsent(channel.name(), name -> new FillTrend(settings.fillWindow()));
    trend.add(now, fill);
    FillTrend.Prediction prediction = trend.predict();
    String key = key(Check.CHANNEL_FILLING, channel.name());
    double within = settings.fillWithin().toMillis() / 1000.0;
    if (prediction == null) {
      if (verdicts.containsKey(key)) {
        standing.add(key); // too few samples to say: the verdict stands
      }
      return;
    }
    boolean filling = prediction.secondsToFull() <= within;
    // once raised, it stands until the trend no longer says full within twice the time
    boolean stillFilling = verdicts.containsKey(key) && prediction.secondsToFull() <= 2 * within;
    if (!filling && !stillFilling) {
      return;
    }
    long toFullMs = Math.round(prediction.secondsToFull() * 1000);
    Map<String, String> figures = new LinkedHashMap<>();
    figures.put("fillPercent", percent(fill));
    figures.put("fillPercentPerMinute", percent(prediction.percentPerSecond() * 60));
    figures.put("predictedFullInSeconds", Long.toString(Math.round(prediction.secondsToFull())));
    figures.put(
        "predictedFullAt", now.plusMillis(toFullMs).truncatedTo(ChronoUnit.SECONDS).toString());
    figures.put("thresholdSeconds", seconds(settings.fillWithin()));
    figures.put("samples", Integer.toString(prediction.samples()));
    if (channel.value("ChannelCapacity") != null) {
      figures.put("ChannelCapacity", count(channel.value("ChannelCapacity")));
    }
    List<String> concerned = new ArrayList<>();
    concerned.add(channel.name());
    topology
        .sinkChannels()
        .forEach(
            (sink, drains) -> {
              if (drains.equals(channel.name())) {
                concerned.add(sink);
              }
            });
    stand(
        Check.CHANNEL_FILLING,
        channel.name(),
        "channel "
            + channel.name()
            + " is "
            + percent(fill)
            + "% full and filling at "
            + percent(prediction.percentPerSecond() * 60)
            + "% a minute: full in "
            + Math.round(prediction.secondsToFull())
            + " s",
        now,
        figures,
        concerned,
        standing,
        raised,
        lines,
        names);
  }

  private void errors(
      Component component,
      Instant now,
      Set<String> standing,
      Map<String, FlowVerdict> raised,
      ComponentLines lines,
      Map<String, Type> names) {
    // counters start at 0 with the process this judge watches: what it counted before the first
    // look is a rise too
    Map<String, Double> before = errorCounts.getOrDefault(component.name(), Map.of());
    Map<String, Double> now0 = new LinkedHashMap<>();
    Map<String, String> rose = new LinkedHashMap<>();
    for (String counter : ERROR_COUNTERS) {
      Double value = component.value(counter);
      if (value == null) {
        continue;
      }
      now0.put(counter, value);
      double previous = before.getOrDefault(counter, 0.0);
      if (value > previous) {
        rose.put(counter, "+" + count(value - previous) + " (" + count(value) + " in all)");
      }
    }
    errorCounts.put(component.name(), now0);
    String name = component.name();
    if (!rose.isEmpty()) {
      errorsLastRose.put(name, now);
      errorsSince.putIfAbsent(name, now);
    }
    Instant last = errorsLastRose.get(name);
    if (last == null) {
      return;
    }
    if (Duration.between(last, now).compareTo(settings.errorsQuietFor()) >= 0) {
      errorsLastRose.remove(name);
      errorsSince.remove(name);
      return;
    }
    String key = key(Check.AGENT_ERRORS, name);
    if (rose.isEmpty()) {
      if (verdicts.containsKey(key)) {
        standing.add(key);
      }
      return;
    }
    Map<String, String> figures = new LinkedHashMap<>();
    now0.forEach((counter, value) -> figures.put(counter, count(value)));
    StringBuilder reason =
        new StringBuilder(component.type().name().toLowerCase(Locale.ROOT))
            .append(' ')
            .append(name)
            .append(": error counters rose:");
    rose.forEach(
        (counter, change) -> reason.append(' ').append(counter).append(' ').append(change));
    stand(
        Check.AGENT_ERRORS,
        name,
        reason.toString(),
        errorsSince.get(name),
        figures,
        List.of(name),
        standing,
        raised,
        lines,
        names);
  }

  /** The verdict stands; when it is new, it is made now, with the lines of {@code concerned}. */
  private void stand(
      Check check,
      String component,
      String reason,
      Instant since,
      Map<String, String> figures,
      List<String> concerned,
      Set<String> standing,
      Map<String, FlowVerdict> raised,
      ComponentLines lines,
      Map<String, Type> names) {
    String key = key(check, component);
    standing.add(key);
    if (verdicts.containsKey(key)) {
      return;
    }
    List<String> found = new ArrayList<>();
    for (String name : concerned) {
      found.addAll(lines.linesOf(name, names));
    }
    raised.put(key, new FlowVerdict(check, component, reason, since, figures, found));
  }

  private static String key(Check check, String component) {
    return check.name() + "/" + component;
  }

  private static double orZero(Double value) {
    return value == null ? 0 : value;
  }

  private static String count(Double value) {
    return value == null ? "0" : Long.toString(Math.round(value));
  }

  private static String seconds(Duration duration) {
    long millis = duration.toMillis();
    return millis % 1000 == 0
        ? Long.toString(millis / 1000)
        : String.format(Locale.ROOT, "%.1f", millis / 1000.0);
  }

  private static String percent(double value) {
    return String.format(Locale.ROOT, "%.1f", value);
  }
}
