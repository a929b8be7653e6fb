package io.flumesentinel.event;

import io.vertx.core.Deployable;
import io.vertx.core.DeploymentOptions;
import io.vertx.core.ThreadingModel;

/**
 * A verticle of the alert pipeline that runs on a thread of its own rather than on one of the
 * shared event loops.
 *
 * <p>Why: Vert.x hands event loops out in turn, so a deciding stage may share one with a notifier
 * or with the connection of a webhook, and an event loop runs what is queued on it in order: the
 * notifier then gets its first notice of a storm only once that stage has worked through the whole
 * storm (measured on a cold monitor, the first webhook of 5,000 losses left after the last of them
 * had been decided). On a thread of its own (a worker pool of one thread: still one task at a time,
 * in order, as on an event loop) a deciding stage leaves the event loops to the notifiers and the
 * I/O.
 */
public interface OwnThread {

  /** The name of the thread (its worker pool), unique among the verticles deployed. */
  String threadName();

  /** How to deploy {@code verticle}: on its own thread if it asks for one, else as Vert.x would. */
  static DeploymentOptions deploymentOptions(Deployable verticle) {
    if (verticle instanceof OwnThread own) {
      return new DeploymentOptions()
          .setThreadingModel(ThreadingModel.WORKER)
          .setWorkerPoolName(own.threadName())
          .setWorkerPoolSize(1);
    }
    return new DeploymentOptions();
  }
}
