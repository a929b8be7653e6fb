package io.flumesentinel.bench;

import io.flumesentinel.testing.WebhookReceiver;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.IntStream;

/**
 * The storm's webhook receiver in a process of its own. Arguments: the agents' id prefix and their
 * count. Prints {@code URL <url>} once it listens, then {@code ALL first=<µs> last=<µs>
 * requests=<n>} when every agent's firing alert has arrived (wall-clock microseconds, see {@link
 * WallClock}).
 */
public final class StormReceiverMain {

  private StormReceiverMain() {}

  public static void main(String[] args) throws Exception {
    String prefix = args[0];
    int count = Integer.parseInt(args[1]);
    List<String> ids =
        IntStream.range(0, count).mapToObj(i -> String.format("%s-%05d", prefix, i)).toList();
    try (WebhookReceiver receiver = WebhookReceiver.start()) {
      var all = receiver.allFiring(ids);
      System.out.println("URL " + receiver.url());
      var arrivals = all.get(10, TimeUnit.MINUTES);
      System.out.println(
          "ALL first="
              + WallClock.micros(arrivals.first())
              + " last="
              + WallClock.micros(arrivals.last())
              + " requests="
              + receiver.requests()
              + " malformed="
              + receiver.malformed().size());
      System.out.flush();
      Thread.sleep(Long.MAX_VALUE);
    }
  }
}
