package io.flumesentinel.event;

/** Every event-bus address the monitor uses, in one place. */
public final class Addresses {

  /** Public: every alert transition, one JSON object (Alertmanager alert form) per message. */
  public static final String ALERTS = "flume.sentinel.alerts";

  /** Public: lifecycle events (registered, started, stopped, deregistered, …) as JSON. */
  public static final String EVENTS = "flume.sentinel.events";

  /**
   * Public, request/reply: any member of the cluster asks, the active monitor answers with its
   * current state as JSON ({@code monitor}, {@code epoch}, {@code agents}, {@code firing}). With
   * {@code cluster.tls}, the members are the holders of a trusted certificate.
   */
  public static final String STATE = "flume.sentinel.state";

  /**
   * Public: every delivery attempt of the active monitor's notifiers, one {@link DeliveryAttempt}
   * as JSON per message: the receiver, the target, the alerts, the outcome, how long it took, and
   * for a failure what went wrong (without secrets). Every member of a cluster keeps them in its
   * notification history.
   */
  public static final String DELIVERIES = "flume.sentinel.deliveries";

  // The internal addresses below are consumed with localConsumer: Vert.x never delivers a message
  // that came over the network to a local consumer, so no member can reach them.

  /**
   * Internal: {@code true} asks the watch to send a fresh {@link WatchSnapshot} and then every
   * change (an instance becoming active), {@code false} to stop sending them (back to standby).
   */
  public static final String ZK_STREAM = "flume.sentinel.internal.zk.stream";

  /**
   * Internal, published: {@link NodeChange} and {@link WatchSnapshot} from the ZooKeeper watch, to
   * the classifier and to the alert shaping (group roll-up counts the agents of each group).
   */
  public static final String ZK_CHANGES = "flume.sentinel.internal.zk.changes";

  /**
   * Internal, request and reply: asks the watch for a fence; the reply is its id ({@code Long}),
   * and its {@link FenceReached} comes on {@link #ZK_CHANGES} once every change that happened
   * before the request has been sent there.
   */
  public static final String ZK_FENCE = "flume.sentinel.internal.zk.fence";

  /**
   * Internal, published on every instance (a standby too), whether or not the watch streams: one
   * {@link WatchSnapshot} once the first load is done, then every {@link NodeChange}. For those who
   * keep figures over the registrations (the metrics), never for decisions; consumers deployed
   * after the first load miss the snapshot.
   */
  public static final String REGISTRATIONS = "flume.sentinel.internal.zk.registrations";

  /** Internal: {@link ConnectionChange} of the monitor's own ZooKeeper session. */
  public static final String ZK_CONNECTION = "flume.sentinel.internal.zk.connection";

  /**
   * Internal: {@link Alert} transitions and {@link Reconciliation}s as the classifier decided them,
   * to the alert shaping (flap detection, then host-level inhibition).
   */
  public static final String CLASSIFIED = "flume.sentinel.internal.transitions.classified";

  /**
   * Internal: {@link Alert} transitions and {@link Reconciliation}s to the ledger, as the
   * classifier decided them and the flap detection and host-level inhibition reshaped them.
   */
  public static final String TRANSITIONS = "flume.sentinel.internal.transitions";

  /** Internal: {@link Delivered} acknowledgements from notifiers back to the alert ledger. */
  public static final String DELIVERED = "flume.sentinel.internal.delivered";

  /**
   * Internal: published (without a body) when what the silences mute may have changed: a silence
   * was added, expired or removed, or one started or ended.
   */
  public static final String SILENCES = "flume.sentinel.internal.silences";

  /**
   * Internal: {@link ReceiverHealth} from the notifiers, when a receiver starts failing or accepts
   * alerts again (local only).
   */
  public static final String RECEIVER_HEALTH = "flume.sentinel.internal.receivers.health";

  /**
   * Internal: published (without a body) when the acknowledgements under {@code <root>/acks} may
   * have changed: one was added, replaced or removed.
   */
  public static final String ACKS = "flume.sentinel.internal.acks";

  private static final String NOTIFY_PREFIX = "flume.sentinel.internal.notify.";

  private Addresses() {}

  /**
   * Internal: the queue of one receiver; messages are {@link Notice}s (build them with {@code
   * alert.Router#dispatches}).
   */
  public static String notify(String receiver) {
    return NOTIFY_PREFIX + receiver;
  }
}
