package io.flumesentinel.notify.robot;

import io.flumesentinel.config.RobotReceiverConfig;
import io.flumesentinel.event.Alert;
import io.flumesentinel.event.AlertGroup;
import io.flumesentinel.notify.DeliveryOutcome;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;
import java.time.Duration;
import java.util.List;

/**
 * One chat vendor's robot: how a batch becomes a message (formatter), how the request is signed
 * (signer), how the answer is judged, and how often the robot may be posted to.
 *
 * <p>Implementations are pure: the time to sign with is passed in.
 */
interface Robot {

  /** One request to post: where, and what. */
  record Request(String url, JsonObject body) {}

  /**
   * @param group the group of the batch, which the message's title names
   * @param batch at least one alert, all of {@code group}
   * @param nowMillis the time to put in the signature
   */
  Request request(AlertGroup group, List<Alert> batch, long nowMillis);

  /** The outcome of the robot's answer. */
  DeliveryOutcome judge(int status, Buffer body);

  /** The least time between two messages that keeps under the vendor's rate limit. */
  Duration minInterval();

  static Robot of(RobotReceiverConfig config) {
    return switch (config.vendor()) {
      case DINGTALK -> new DingTalkRobot(config.url(), config.secret());
      case WECOM -> new WeComRobot(config.url());
      case FEISHU -> new FeishuRobot(config.url(), config.secret());
      case SLACK -> new SlackRobot(config.url());
    };
  }
}
