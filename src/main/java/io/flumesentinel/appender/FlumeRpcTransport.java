package io.flumesentinel.appender;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import org.apache.flume.Event;
import org.apache.flume.api.RpcClient;
import org.apache.flume.api.RpcClientFactory;
import org.apache.flume.event.EventBuilder;

/**
 * Sends through Flume's own Avro RPC client ({@code flume-ng-sdk}), one connection at a time: to
 * the agent of the last batch. A failure closes the connection (and the client's threads), so the
 * next attempt starts from a fresh one, possibly to another agent.
 */
final class FlumeRpcTransport implements Transport {

  private final AppenderSettings settings;
  private RpcClient client;
  private String connectedTo;

  FlumeRpcTransport(AppenderSettings settings) {
    this.settings = settings;
  }

  @Override
  public void send(AgentAddress agent, long batch, List<OutgoingEvent> events) throws Exception {
    if (client == null || !agent.endpoint().equals(connectedTo)) {
      close();
      client = RpcClientFactory.getInstance(properties(agent, settings));
      connectedTo = agent.endpoint();
    }
    List<Event> flumeEvents = new ArrayList<>(events.size());
    String batchText = Long.toString(batch);
    for (OutgoingEvent event : events) {
      Map<String, String> headers = new HashMap<>(event.headers());
      headers.put(EventHeaders.BATCH, batchText);
      flumeEvents.add(EventBuilder.withBody(event.body(), headers));
    }
    try {
      client.appendBatch(flumeEvents);
    } catch (Exception | Error e) {
      close();
      throw e;
    }
  }

  /**
   * The client's configuration: the default (Avro) client to one host, with the appender's timeouts
   * (the client takes at least 1 s each; {@link AppenderSettings} refuses less).
   */
  static Properties properties(AgentAddress agent, AppenderSettings settings) {
    Properties properties = new Properties();
    properties.setProperty("client.type", "default");
    properties.setProperty("hosts", "h1");
    properties.setProperty("hosts.h1", agent.endpoint());
    properties.setProperty("batch-size", Integer.toString(settings.batchSize()));
    properties.setProperty("connect-timeout", Long.toString(settings.connectTimeout().toMillis()));
    properties.setProperty("request-timeout", Long.toString(settings.requestTimeout().toMillis()));
    return properties;
  }

  @Override
  public void close() {
    RpcClient closing = client;
    client = null;
    connectedTo = null;
    if (closing != null) {
      try {
        closing.close();
      } catch (RuntimeException e) {
        // the connection is dropped either way; nothing else holds it
      }
    }
  }
}
