package io.flumesentinel.testing;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.net.NetServer;
import io.vertx.core.net.NetSocket;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * A loopback TCP proxy that can cut every connection and refuse new ones, like a network partition.
 */
public final class TcpProxy implements AutoCloseable {

  private final Vertx vertx = Vertx.vertx();
  private final NetServer server;
  private final Set<NetSocket> sockets = ConcurrentHashMap.newKeySet();
  private volatile boolean cut;

  public TcpProxy(String targetHost, int targetPort) throws Exception {
    var client = vertx.createNetClient();
    server =
        vertx
            .createNetServer()
            .connectHandler(
                in -> {
                  if (cut) {
                    in.close();
                    return;
                  }
                  in.pause();
                  client
                      .connect(targetPort, targetHost)
                      .onSuccess(
                          out -> {
                            sockets.add(in);
                            sockets.add(out);
                            // Nothing crosses once cut, even bytes already read while the
                            // sockets are being closed.
                            in.handler(data -> forward(out, data));
                            out.handler(data -> forward(in, data));
                            in.closeHandler(v -> out.close());
                            out.closeHandler(v -> in.close());
                            in.resume();
                          })
                      .onFailure(e -> in.close());
                })
            .listen(0, "127.0.0.1")
            .await(10, TimeUnit.SECONDS);
  }

  public String connectString() {
    return "127.0.0.1:" + server.actualPort();
  }

  /** Closes every connection and refuses new ones until {@link #restore()}. */
  public void cut() {
    cut = true;
    // Closing runs on each socket's event loop: wait for it, so that the partition is in place
    // when this returns.
    List<Future<Void>> closing =
        sockets.stream().map(socket -> socket.close().otherwiseEmpty()).toList();
    sockets.clear();
    try {
      Future.all(closing).await(10, TimeUnit.SECONDS);
    } catch (TimeoutException e) {
      throw new IllegalStateException("the proxied connections did not close within 10 s", e);
    }
  }

  private void forward(NetSocket to, Buffer data) {
    if (!cut) {
      to.write(data);
    }
  }

  public void restore() {
    cut = false;
  }

  @Override
  public void close() throws Exception {
    vertx.close().await(10, TimeUnit.SECONDS);
  }
}
