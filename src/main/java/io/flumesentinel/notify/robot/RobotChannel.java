package io.flumesentinel.notify.robot;

import io.flumesentinel.config.RobotReceiverConfig;
import io.flumesentinel.event.Alert;
import io.flumesentinel.event.AlertGroup;
import io.flumesentinel.notify.Channel;
import io.flumesentinel.notify.DeliveryOutcome;
import io.flumesentinel.notify.NotifierVerticle;
import io.flumesentinel.notify.Redaction;
import io.flumesentinel.notify.http.HttpPoster;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.time.Clock;
import java.time.Duration;
import java.util.List;

/**
 * Posts each batch (the alerts of one group) as one chat message to a robot (DingTalk, WeCom,
 * Feishu, Slack), over the same HTTP client as webhooks ({@link HttpPoster}); the vendor's {@link
 * Robot} formats, signs and judges.
 *
 * <p>Rate limits: the channel asks {@link NotifierVerticle} to space messages by the vendor's limit
 * ({@link #minInterval()}), so alerts of a storm go together in fewer, bigger messages; none is
 * dropped for the limit. A message longer than the vendor allows lists the first alerts and ends
 * with "… and N more".
 *
 * <p>The robot's URL holds its access token, so the target named in logs and stats is only its
 * scheme, host and port ({@link Redaction#origin}), and {@link HttpPoster} keeps the URL's path and
 * query out of every error.
 */
public final class RobotChannel implements Channel {

  private final RobotReceiverConfig config;
  private final Robot robot;
  private final HttpPoster poster;
  private final Clock clock;
  private final String target;

  public RobotChannel(Vertx vertx, RobotReceiverConfig config, Clock clock) {
    this.config = config;
    this.robot = Robot.of(config);
    this.clock = clock;
    this.target = config.type() + ":" + Redaction.origin(config.url());
    this.poster = new HttpPoster(vertx, config.connectTimeout(), config.requestTimeout());
  }

  /** A notifier delivering to this robot, signing with the system clock. */
  public static NotifierVerticle notifier(RobotReceiverConfig config) {
    return new NotifierVerticle(
        config, vertx -> new RobotChannel(vertx, config, Clock.systemUTC()));
  }

  @Override
  public List<String> targets() {
    return List.of(target);
  }

  @Override
  public Future<DeliveryOutcome> send(String target, AlertGroup group, List<Alert> batch) {
    Robot.Request request = robot.request(group, batch, clock.millis());
    return poster.post(request.url(), request.body().toBuffer(), robot::judge);
  }

  @Override
  public Duration minInterval() {
    return robot.minInterval();
  }

  @Override
  public Future<Void> close() {
    return poster.close();
  }
}
