package io.flumesentinel.event;

import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.eventbus.MessageCodec;

/**
 * Passes an immutable record by reference on the local event bus. Internal addresses are
 * local-only; what leaves the JVM (the public addresses) is JSON.
 */
public final class LocalCodec<T> implements MessageCodec<T, T> {

  private final Class<T> type;

  private LocalCodec(Class<T> type) {
    this.type = type;
  }

  /** Registers a local codec for each internal message type. */
  public static void registerAll(Vertx vertx) {
    for (Class<?> type :
        new Class<?>[] {
          Alert.class,
          Notice.class,
          NodeChange.class,
          WatchSnapshot.class,
          ConnectionChange.class,
          Reconciliation.class,
          Delivered.class,
          ReceiverHealth.class,
          FenceReached.class
        }) {
      register(vertx, type);
    }
  }

  private static <T> void register(Vertx vertx, Class<T> type) {
    vertx.eventBus().registerDefaultCodec(type, new LocalCodec<>(type));
  }

  @Override
  public void encodeToWire(Buffer buffer, T value) {
    throw new UnsupportedOperationException(type.getSimpleName() + " is a local-only message");
  }

  @Override
  public T decodeFromWire(int pos, Buffer buffer) {
    throw new UnsupportedOperationException(type.getSimpleName() + " is a local-only message");
  }

  @Override
  public T transform(T value) {
    return value;
  }

  @Override
  public String name() {
    return "local:" + type.getName();
  }

  @Override
  public byte systemCodecID() {
    return -1;
  }
}
