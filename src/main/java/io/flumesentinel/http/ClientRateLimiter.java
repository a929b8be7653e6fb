package io.flumesentinel.http;

import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * A token bucket per client: each holds up to {@code burst} requests and refills at {@code
 * perSecond}; a request takes one, or is refused with the time until one is back.
 *
 * <p>Memory is bounded: at most {@code maxClients} buckets, the least recently used dropped first.
 * A dropped bucket had refilled or belonged to a client gone quiet the longest, so dropping it
 * costs at worst a fresh burst to a client that comes back. An IPv6 client is one /64, the network
 * one host is usually given, so that one host cannot get a bucket per address it can take.
 *
 * <p>Pure: time comes from the clock it is given. Not thread-safe: used on the HTTP server's event
 * loop.
 */
final class ClientRateLimiter {

  private final Clock clock;
  private final double perNano;
  private final double burst;
  private final Map<String, Bucket> buckets;

  private static final class Bucket {
    double tokens;
    long at;

    Bucket(double tokens, long at) {
      this.tokens = tokens;
      this.at = at;
    }
  }

  ClientRateLimiter(Clock clock, double perSecond, int burst, int maxClients) {
    this.clock = clock;
    this.perNano = perSecond / 1e9;
    this.burst = burst;
    this.buckets =
        new LinkedHashMap<>(16, 0.75f, true) {
          @Override
          protected boolean removeEldestEntry(Map.Entry<String, Bucket> eldest) {
            return size() > maxClients;
          }
        };
  }

  /**
   * Takes one request from {@code client}'s bucket.
   *
   * @return {@link Duration#ZERO} when the request may go ahead, else how long until it could
   */
  Duration acquire(String client) {
    long now = nanos(clock.instant());
    Bucket bucket = buckets.computeIfAbsent(key(client), k -> new Bucket(burst, now));
    // A clock set back refills nothing; it never empties a bucket either.
    long elapsed = Math.max(0, now - bucket.at);
    bucket.tokens = Math.min(burst, bucket.tokens + elapsed * perNano);
    bucket.at = now;
    if (bucket.tokens >= 1) {
      bucket.tokens -= 1;
      return Duration.ZERO;
    }
    return Duration.ofNanos((long) Math.ceil((1 - bucket.tokens) / perNano));
  }

  /** How many clients have a bucket. */
  int clients() {
    return buckets.size();
  }

  /** The bucket's name for an address: the address, or an IPv6 address's /64. */
  static String key(String address) {
    if (address.indexOf(':') < 0) {
      return address;
    }
    try {
      // A literal is parsed, never looked up.
      InetAddress parsed = InetAddress.getByName(address);
      if (parsed instanceof Inet6Address) {
        byte[] bytes = parsed.getAddress();
        return HexFormat.of().formatHex(bytes, 0, 8) + "::/64";
      }
      return parsed.getHostAddress();
    } catch (UnknownHostException e) {
      return address;
    }
  }

  private static long nanos(Instant instant) {
    return instant.getEpochSecond() * 1_000_000_000L + instant.getNano();
  }
}
