package io.flumesentinel.config;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonProperty;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * Everything the {@code monitor} command needs, validated.
 *
 * @param externalUrl the URL operators use to reach this monitor, sent as {@code externalURL}
 * @param route the route tree; {@code null} when none is configured: every alert goes to every
 *     receiver
 * @param flapping flap detection (on by default)
 * @param hostDown host-level inhibition (off by default)
 * @param cluster high availability; {@link ClusterConfig#disabled()} for a single monitor
 * @param silences what the monitor accepts of the silences it reads
 * @param annotations annotations added to every alert sent ({@code runbook_url})
 * @param watchdog the always-firing Watchdog (off by default)
 * @param receiverFailing when a failing receiver is reported to its fallback
 * @param groupDegraded group roll-up (off by default)
 * @param history the notification history; a config built in code without one keeps none ({@link
 *     HistoryConfig#disabled()}), while the file and {@link #defaults()} keep one ({@link
 *     HistoryConfig#defaults()})
 */
public record MonitorConfig(
    ZkConfig zookeeper,
    HttpConfig http,
    ClassifierConfig classifier,
    List<ReceiverConfig> receivers,
    String externalUrl,
    RouteConfig route,
    FlappingConfig flapping,
    HostDownConfig hostDown,
    ClusterConfig cluster,
    SilencesConfig silences,
    AnnotationsConfig annotations,
    WatchdogConfig watchdog,
    ReceiverFailingConfig receiverFailing,
    GroupDegradedConfig groupDegraded,
    HistoryConfig history) {

  public MonitorConfig {
    receivers = List.copyOf(receivers);
    annotations = annotations == null ? AnnotationsConfig.none() : annotations;
    watchdog = watchdog == null ? WatchdogConfig.disabled() : watchdog;
    receiverFailing = receiverFailing == null ? ReceiverFailingConfig.defaults() : receiverFailing;
    flapping = flapping == null ? FlappingConfig.defaults() : flapping;
    hostDown = hostDown == null ? HostDownConfig.defaults() : hostDown;
    cluster = cluster == null ? ClusterConfig.disabled() : cluster;
    silences = silences == null ? SilencesConfig.defaults() : silences;
    groupDegraded = groupDegraded == null ? GroupDegradedConfig.defaults() : groupDegraded;
    history = history == null ? HistoryConfig.disabled() : history;
  }

  /**
   * Without runbook links, Watchdog, non-default receiver failure delay group roll-up or
   * notification history: add them with {@link #withAlerting}, {@link #withGroupDegraded} and
   * {@link #withHistory}.
   */
  public MonitorConfig(
      ZkConfig zookeeper,
      HttpConfig http,
      ClassifierConfig classifier,
      List<ReceiverConfig> receivers,
      String externalUrl,
      RouteConfig route,
      FlappingConfig flapping,
      HostDownConfig hostDown,
      ClusterConfig cluster,
      SilencesConfig silences) {
    this(
        zookeeper,
        http,
        classifier,
        receivers,
        externalUrl,
        route,
        flapping,
        hostDown,
        cluster,
        silences,
        null,
        null,
        null,
        null,
        null);
  }

  /** With the default silence rules. */
  public MonitorConfig(
      ZkConfig zookeeper,
      HttpConfig http,
      ClassifierConfig classifier,
      List<ReceiverConfig> receivers,
      String externalUrl,
      RouteConfig route,
      FlappingConfig flapping,
      HostDownConfig hostDown,
      ClusterConfig cluster) {
    this(
        zookeeper,
        http,
        classifier,
        receivers,
        externalUrl,
        route,
        flapping,
        hostDown,
        cluster,
        null);
  }

  /** A single monitor (no cluster). */
  public MonitorConfig(
      ZkConfig zookeeper,
      HttpConfig http,
      ClassifierConfig classifier,
      List<ReceiverConfig> receivers,
      String externalUrl,
      RouteConfig route,
      FlappingConfig flapping,
      HostDownConfig hostDown) {
    this(zookeeper, http, classifier, receivers, externalUrl, route, flapping, hostDown, null);
  }

  /** A single monitor with the default flap detection and host-level inhibition. */
  public MonitorConfig(
      ZkConfig zookeeper,
      HttpConfig http,
      ClassifierConfig classifier,
      List<ReceiverConfig> receivers,
      String externalUrl,
      RouteConfig route) {
    this(zookeeper, http, classifier, receivers, externalUrl, route, null, null, null);
  }

  /** A config without a route tree: every alert goes to every receiver. */
  public MonitorConfig(
      ZkConfig zookeeper,
      HttpConfig http,
      ClassifierConfig classifier,
      List<ReceiverConfig> receivers,
      String externalUrl) {
    this(zookeeper, http, classifier, receivers, externalUrl, null, null, null, null);
  }

  public static MonitorConfig defaults() {
    return new MonitorConfig(
            ZkConfig.of(null), HttpConfig.defaults(), ClassifierConfig.defaults(), List.of(), "")
        .withHistory(HistoryConfig.defaults());
  }

  public MonitorConfig withCluster(ClusterConfig newCluster) {
    return new MonitorConfig(
        zookeeper,
        http,
        classifier,
        receivers,
        externalUrl,
        route,
        flapping,
        hostDown,
        newCluster,
        silences,
        annotations,
        watchdog,
        receiverFailing,
        groupDegraded,
        history);
  }

  /** This config with another group roll-up. */
  public MonitorConfig withGroupDegraded(GroupDegradedConfig newGroupDegraded) {
    return new MonitorConfig(
        zookeeper,
        http,
        classifier,
        receivers,
        externalUrl,
        route,
        flapping,
        hostDown,
        cluster,
        silences,
        annotations,
        watchdog,
        receiverFailing,
        newGroupDegraded,
        history);
  }

  /** This config with other annotations, Watchdog and receiver failure delay. */
  public MonitorConfig withAlerting(
      AnnotationsConfig newAnnotations,
      WatchdogConfig newWatchdog,
      ReceiverFailingConfig newReceiverFailing) {
    return new MonitorConfig(
        zookeeper,
        http,
        classifier,
        receivers,
        externalUrl,
        route,
        flapping,
        hostDown,
        cluster,
        silences,
        newAnnotations,
        newWatchdog,
        newReceiverFailing,
        groupDegraded,
        history);
  }

  /** This config with another notification history. */
  public MonitorConfig withHistory(HistoryConfig newHistory) {
    return new MonitorConfig(
        zookeeper,
        http,
        classifier,
        receivers,
        externalUrl,
        route,
        flapping,
        hostDown,
        cluster,
        silences,
        annotations,
        watchdog,
        receiverFailing,
        groupDegraded,
        newHistory);
  }

  /**
   * The whole file: {@code zookeeper}, {@code http}, {@code externalUrl}, {@code classifier},
   * {@code receivers} (unique names), {@code route} (naming only those receivers), {@code
   * flapping}, {@code hostDown}, {@code cluster}, {@code silences}, {@code annotations}, {@code
   * watchdog}, {@code groupDegraded}, {@code receiverFailing} and {@code history}; every {@code
   * fallback} and the Watchdog's {@code receiver} must name a configured receiver.
   */
  @JsonCreator
  static MonitorConfig read(
      @JsonProperty("zookeeper") ZkConfig zookeeper,
      @JsonProperty("http") HttpConfig http,
      @JsonProperty("externalUrl") String externalUrl,
      @JsonProperty("classifier") ClassifierConfig classifier,
      @JsonProperty("receivers") List<ReceiverConfig> receivers,
      @JsonProperty("route") WrittenRoute route,
      @JsonProperty("flapping") FlappingConfig flapping,
      @JsonProperty("hostDown") HostDownConfig hostDown,
      @JsonProperty("cluster") ClusterConfig cluster,
      @JsonProperty("silences") SilencesConfig silences,
      @JsonProperty("annotations") AnnotationsConfig annotations,
      @JsonProperty("watchdog") WatchdogConfig watchdog,
      @JsonProperty("receiverFailing") ReceiverFailingConfig receiverFailing,
      @JsonProperty("groupDegraded") GroupDegradedConfig groupDegraded,
      @JsonProperty("history") HistoryConfig history) {
    MonitorConfig defaults = defaults();
    String url = externalUrl == null ? defaults.externalUrl : externalUrl.strip();
    if (!url.isEmpty()) {
      url = ConfigChecks.httpUrl("externalUrl", url);
    }
    List<ReceiverConfig> given = receivers == null ? List.of() : receivers;
    ReceiverChecks.uniqueNames(given);
    Set<String> names = given.stream().map(ReceiverConfig::name).collect(Collectors.toSet());
    for (int i = 0; i < given.size(); i++) {
      String fallback = given.get(i).options().fallback();
      if (fallback != null && (!names.contains(fallback) || fallback.equals(given.get(i).name()))) {
        throw new ConfigException(
            "receivers[" + i + "].fallback",
            fallback.equals(given.get(i).name())
                ? "a receiver cannot be its own fallback"
                : "no receiver named " + ConfigChecks.quote(fallback));
      }
    }
    if (watchdog != null && watchdog.enabled() && !names.contains(watchdog.receiver())) {
      throw new ConfigException(
          "watchdog.receiver", "no receiver named " + ConfigChecks.quote(watchdog.receiver()));
    }
    return new MonitorConfig(
        zookeeper == null ? defaults.zookeeper : zookeeper,
        http == null ? defaults.http : http,
        classifier == null ? defaults.classifier : classifier,
        given,
        url,
        route == null ? null : route.root(names),
        flapping,
        hostDown,
        cluster,
        silences,
        annotations,
        watchdog,
        receiverFailing,
        groupDegraded,
        history == null ? HistoryConfig.defaults() : history);
  }
}
