package io.flumesentinel.config;

import com.fasterxml.jackson.annotation.JsonTypeInfo;
import com.fasterxml.jackson.databind.annotation.JsonTypeIdResolver;

/**
 * One receiver of alerts, whatever its channel: what every notifier needs to queue, batch and
 * retry. Each channel adds its own settings.
 *
 * <p>In the file, {@code type} selects the channel; without it a receiver is a webhook.
 */
@JsonTypeInfo(
    use = JsonTypeInfo.Id.CUSTOM,
    property = "type",
    visible = true,
    defaultImpl = WebhookReceiverConfig.class)
@JsonTypeIdResolver(YamlBinding.ReceiverTypes.class)
public sealed interface ReceiverConfig
    permits WebhookReceiverConfig, MailReceiverConfig, RobotReceiverConfig {

  /** Unique among receivers; alerts for it go to {@code Addresses.notify(name)}. */
  String name();

  /**
   * The {@code type} key of the receiver: {@code webhook}, {@code mail}, or a chat robot's ({@link
   * RobotReceiverConfig.Vendor}).
   */
  String type();

  /** Most alerts in one delivery (one request, one mail). */
  int maxBatch();

  /**
   * {@link #queueCapacity()} of every kind of receiver when none is given: one transition for each
   * agent of a fleet of 100,000, the largest the monitor is built for, all lost at once with
   * nothing to roll them up. A queued transition is a reference to an alert the ledger holds anyway
   * (164 bytes a slot measured, some 16 MB full), and one dropped is an outage nobody is told of.
   * At 10,000, a storm of 20,000 losses overflowed it while the receiver was still answering.
   */
  int DEFAULT_QUEUE_CAPACITY = 100_000;

  /** Most alert transitions waiting for this receiver. */
  int queueCapacity();

  BackoffConfig backoff();

  /** Its fallback, its failure delay and its runbook link ({@link ReceiverOptions#NONE}: none). */
  ReceiverOptions options();
}
