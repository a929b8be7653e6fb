package io.flumesentinel.monitor;

import java.lang.management.ManagementFactory;
import java.util.OptionalInt;
import javax.management.JMException;
import javax.management.ObjectName;

/**
 * How much work the JVM's optimizing compiler (HotSpot's C2) has before it: the methods in its
 * queue, and the one it compiles now, as HotSpot's {@code Compiler.queue} diagnostic command (the
 * one {@code jcmd} runs) lists them.
 */
final class OptimizingCompiler {

  private static final String DIAGNOSTIC_COMMAND = "com.sun.management:type=DiagnosticCommand";
  private static final String QUEUE = "C2 compile queue:";

  private OptimizingCompiler() {}

  /**
   * The methods the optimizing compiler compiles or has queued; empty when the JVM does not say
   * (not HotSpot, or its diagnostic commands are not available).
   */
  static OptionalInt backlog() {
    try {
      Object listing =
          ManagementFactory.getPlatformMBeanServer()
              .invoke(
                  new ObjectName(DIAGNOSTIC_COMMAND),
                  "compilerQueue",
                  new Object[] {null},
                  new String[] {String[].class.getName()});
      return listing instanceof String text ? backlog(text) : OptionalInt.empty();
    } catch (JMException | RuntimeException e) {
      return OptionalInt.empty();
    }
  }

  /** Counts, in {@code Compiler.queue}'s listing, C2's current compiles and its queue. */
  static OptionalInt backlog(String listing) {
    int queue = listing.indexOf(QUEUE);
    if (queue < 0) {
      return OptionalInt.empty();
    }
    int count = 0;
    int current = listing.indexOf("Current compiles:");
    if (current >= 0) {
      for (String line : section(listing, current).lines().toList()) {
        if (line.startsWith("C2 ")) {
          count++;
        }
      }
    }
    for (String line : section(listing, queue).lines().toList()) {
      if (!line.isBlank() && !line.strip().equals("Empty")) {
        count++;
      }
    }
    return OptionalInt.of(count);
  }

  /** The lines after the heading at {@code from}, up to the next blank line. */
  private static String section(String listing, int from) {
    int start = listing.indexOf('\n', from);
    if (start < 0) {
      return "";
    }
    int end = listing.indexOf("\n\n", start);
    if (end < 0) {
      end = listing.length();
    }
    // a heading followed by a blank line: nothing under it
    return end <= start ? "" : listing.substring(start + 1, end);
  }
}
