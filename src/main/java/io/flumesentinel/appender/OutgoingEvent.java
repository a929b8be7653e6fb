package io.flumesentinel.appender;

import java.util.Map;

/**
 * One event as it goes to Flume: its place in this application instance's sequence, its Flume
 * headers and its body. The sender adds the batch number when it sends it.
 */
public record OutgoingEvent(long seq, Map<String, String> headers, byte[] body) {

  public OutgoingEvent {
    headers = Map.copyOf(headers);
  }
}
