package io.flumesentinel.appender;

import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.apache.avro.ipc.netty.NettyServer;
import org.apache.avro.ipc.specific.SpecificResponder;
import org.apache.flume.source.avro.AvroFlumeEvent;
import org.apache.flume.source.avro.AvroSourceProtocol;
import org.apache.flume.source.avro.Status;

/**
 * A real Avro RPC server speaking Flume's Avro source protocol, in process, that keeps what it
 * receives in arrival order; {@link #close} makes it vanish as a killed agent does (connections
 * dropped, port closed).
 */
final class AvroAgent implements AutoCloseable {

  /** One received event. */
  record Received(Map<String, String> headers, String body) {
    long seq() {
      return Long.parseLong(headers.get(EventHeaders.SEQ));
    }

    boolean isDropReport() {
      return headers.containsKey(EventHeaders.DROPPED);
    }
  }

  private final NettyServer server;
  private final List<Received> received = new ArrayList<>();

  private AvroAgent(int port) throws InterruptedException {
    server =
        new NettyServer(
            new SpecificResponder(AvroSourceProtocol.class, new Protocol()),
            new InetSocketAddress("127.0.0.1", port));
    server.start();
  }

  static AvroAgent start(int port) throws InterruptedException {
    return new AvroAgent(port);
  }

  static AvroAgent start() throws InterruptedException {
    return new AvroAgent(0);
  }

  int port() {
    return server.getPort();
  }

  AgentAddress address() {
    return AgentAddress.parse(null, "127.0.0.1:" + port());
  }

  synchronized List<Received> received() {
    return List.copyOf(received);
  }

  /** The application's events (not drop reports), in arrival order. */
  synchronized List<Long> seqs() {
    return received.stream().filter(r -> !r.isDropReport()).map(Received::seq).toList();
  }

  @Override
  public void close() {
    server.close();
  }

  private synchronized void add(List<AvroFlumeEvent> events) {
    for (AvroFlumeEvent event : events) {
      Map<String, String> headers = new TreeMap<>();
      event.getHeaders().forEach((k, v) -> headers.put(k.toString(), v.toString()));
      ByteBuffer body = event.getBody();
      byte[] bytes = new byte[body.remaining()];
      body.get(bytes);
      received.add(new Received(headers, new String(bytes, StandardCharsets.UTF_8)));
    }
  }

  private final class Protocol implements AvroSourceProtocol {
    @Override
    public Status append(AvroFlumeEvent event) {
      add(List.of(event));
      return Status.OK;
    }

    @Override
    public Status appendBatch(List<AvroFlumeEvent> events) {
      add(new ArrayList<>(events));
      return Status.OK;
    }
  }
}
