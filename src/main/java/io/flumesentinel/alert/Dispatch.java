package io.flumesentinel.alert;

import io.flumesentinel.event.Addresses;
import io.flumesentinel.event.Notice;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.eventbus.EventBus;
import java.time.Duration;
import java.util.Objects;

/**
 * One routed alert for one receiver, as {@link Router#dispatches} answers it: the {@link Notice}
 * (the alert and its group there) and how often the route repeats it while it fires.
 *
 * @param repeatInterval how long after {@code receiver} acknowledged this firing alert it is sent
 *     again, if it still fires; the ledger keeps the time
 */
public record Dispatch(String receiver, Notice notice, Duration repeatInterval) {

  private static final DeliveryOptions LOCAL = new DeliveryOptions().setLocalOnly(true);

  public Dispatch {
    Objects.requireNonNull(receiver, "receiver");
    Objects.requireNonNull(notice, "notice");
    Objects.requireNonNull(repeatInterval, "repeatInterval");
  }

  /**
   * Hands the notice to the receiver's notifier ({@link Addresses#notify(String)}, local only),
   * which queues it and never blocks the caller. The notifier answers a delivery with a {@code
   * Delivered} on {@link Addresses#DELIVERED}.
   */
  public void send(EventBus bus) {
    bus.send(Addresses.notify(receiver), notice, LOCAL);
  }
}
