package io.flumesentinel.notify;

import io.vertx.core.json.JsonObject;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongConsumer;

/**
 * Counters of one notifier, for the health endpoint. Written from the notifier's context only, read
 * from any thread; each value is consistent on its own, not as a set.
 */
public final class NotifierStats {

  private final String receiver;
  private final AtomicLong delivered = new AtomicLong();
  private final AtomicLong requests = new AtomicLong();
  private final AtomicLong retries = new AtomicLong();
  private final AtomicLong dropped = new AtomicLong();
  private final AtomicLong collapsed = new AtomicLong();
  private final AtomicLong rejected = new AtomicLong();
  private volatile LongConsumer deliveryNanos = nanos -> {};
  private volatile int queued;
  private volatile String lastError = "";

  public NotifierStats(String receiver) {
    this.receiver = receiver;
  }

  /** Alert transitions a receiver accepted (2xx). */
  public long delivered() {
    return delivered.get();
  }

  /** HTTP requests sent, retries included. */
  public long requests() {
    return requests.get();
  }

  /** Requests that failed in a way worth retrying (5xx, 429, timeout, connection error). */
  public long retries() {
    return retries.get();
  }

  /** Alert transitions dropped because the queue was full. */
  public long dropped() {
    return dropped.get();
  }

  /**
   * Alert transitions replaced by a newer transition of the same incident before they were sent.
   */
  public long collapsed() {
    return collapsed.get();
  }

  /** Alert transitions a receiver refused for good (a 4xx other than 429); not retried. */
  public long rejected() {
    return rejected.get();
  }

  /** Alert transitions waiting or in flight right now. */
  public int queued() {
    return queued;
  }

  /** The last failure, empty if none yet. */
  public String lastError() {
    return lastError;
  }

  /** Called by the notifier: a receiver accepted these transitions. */
  public void recordDelivered(int alerts) {
    delivered.addAndGet(alerts);
  }

  /**
   * Who is told how long each accepted request took, from its start to the receiver's answer, in
   * nanoseconds (from the notifier's context): the metrics' delivery latency. Nobody by default.
   */
  public void onDeliveryTime(LongConsumer listener) {
    deliveryNanos = listener;
  }

  /** Called by the notifier: a receiver accepted a request after {@code nanos}. */
  public void recordDeliveryTime(long nanos) {
    deliveryNanos.accept(nanos);
  }

  /** Called by the notifier: a request is being sent. */
  public void recordRequest() {
    requests.incrementAndGet();
  }

  /** Called by the notifier: a request failed and will be retried. */
  public void recordRetry(String error) {
    retries.incrementAndGet();
    lastError = error;
  }

  /** Called by the notifier: a receiver refused these transitions for good. */
  public void recordRejected(int alerts, String error) {
    rejected.addAndGet(alerts);
    lastError = error;
  }

  /** Called by the notifier: these transitions were dropped because the queue was full. */
  public void recordDropped(int alerts) {
    dropped.addAndGet(alerts);
  }

  /** Called by the notifier after each change of its queue. */
  public void recordQueue(DeliveryQueue queue) {
    recordQueue(queue.size(), queue.collapsed());
  }

  /**
   * Called by the notifier after each change of its queue: {@code queued} transitions held, {@code
   * collapsed} collapsed since the start.
   */
  public void recordQueue(int queued, long collapsed) {
    this.queued = queued;
    this.collapsed.set(collapsed);
  }

  public JsonObject toJson() {
    return new JsonObject()
        .put("receiver", receiver)
        .put("delivered", delivered())
        .put("requests", requests())
        .put("retries", retries())
        .put("rejected", rejected())
        .put("dropped", dropped())
        .put("collapsed", collapsed())
        .put("queued", queued())
        .put("lastError", lastError());
  }
}
