package io.flumesentinel.supervisor;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The recent log records of a Flume process's output, to find the ERROR and WARN lines that concern
 * one component. Bounded: the last {@value #MAX_RECORDS} records, each kept as its first line and
 * the deepest cause of its stack trace, each cut to {@value #MAX_LINE_CHARS} characters.
 * Thread-safe: the output readers add while the supervisor asks.
 *
 * <p>A record starts with a line whose beginning holds a log level ({@code ERROR}, {@code WARN},
 * {@code INFO}…, as Flume's log4j layouts print it); the lines that follow without one (the
 * exception, {@code Caused by:}, stack frames) belong to it. The thread is the first {@code […]} of
 * the first line ({@code %t} in Flume's layouts).
 *
 * <p>Flume's ERROR lines rarely name the component (the Avro sink's "Unable to deliver event" does
 * not), but the lines before them on the same thread do ("Rpc sink k1: Building RpcClient"). So an
 * ERROR or WARN record concerns a component when it names it, or when it names no component and the
 * last record of its thread that named exactly one named this one.
 */
final class ComponentLog {

  static final int MAX_RECORDS = 500;

  /** How many records of a thread a record naming one component speaks for. */
  static final int OWNED_FOR = 3;

  private static final String MAIN_THREAD = "main";
  static final int MAX_LINE_CHARS = 512;

  private static final Pattern LEVEL =
      Pattern.compile("\\b(FATAL|ERROR|WARN|WARNING|INFO|DEBUG|TRACE)\\b");

  /** How far into a line its level may be (after a timestamp, a host name). */
  private static final int LEVEL_WITHIN = 80;

  private static final Map<FlumeMetrics.Type, Pattern> CLASS_OF_KIND =
      Map.of(
          FlumeMetrics.Type.SINK, Pattern.compile("\\b\\w*Sink(Runner|Processor)?\\b"),
          FlumeMetrics.Type.SOURCE, Pattern.compile("\\b\\w*Source(Runner)?\\b"),
          FlumeMetrics.Type.CHANNEL, Pattern.compile("\\b\\w*Channel\\b"));

  private static final Pattern THREAD = Pattern.compile("\\[([^\\]]{1,200})\\]");
  private static final Pattern STACK_FRAME = Pattern.compile("^\\s+(at |\\.\\.\\. \\d+ more)");

  private enum Level {
    PROBLEM,
    OTHER
  }

  private static final class Record {
    final String thread;
    final Level level;
    final String first;
    String cause;

    Record(String thread, Level level, String first) {
      this.thread = thread;
      this.level = level;
      this.first = first;
    }

    String text() {
      return cause == null ? first : first + "\n" + cause;
    }
  }

  private final Deque<Record> records = new ArrayDeque<>();

  /** Adds one line of output (secrets already hidden). */
  synchronized void add(String line) {
    Matcher level = LEVEL.matcher(line);
    level.region(0, Math.min(line.length(), LEVEL_WITHIN));
    if (level.find()) {
      Matcher thread = THREAD.matcher(line);
      String name = thread.find() ? thread.group(1) : "";
      boolean problem =
          switch (level.group(1)) {
            case "FATAL", "ERROR", "WARN", "WARNING" -> true;
            default -> false;
          };
      records.addLast(new Record(name, problem ? Level.PROBLEM : Level.OTHER, cut(line)));
      if (records.size() > MAX_RECORDS) {
        records.removeFirst();
      }
      return;
    }
    Record current = records.peekLast();
    if (current == null || line.isBlank() || STACK_FRAME.matcher(line).find()) {
      return;
    }
    // the exception's own line, then each "Caused by:": the last one is the root cause
    if (current.cause == null || line.startsWith("Caused by:")) {
      current.cause = cut(line.strip());
    }
  }

  /**
   * The last ERROR and WARN lines concerning {@code component}, oldest first: of each distinct
   * message its latest occurrence, as its first line and its root cause, at most {@code maxLines}
   * lines.
   *
   * @param components every component of the agent and its kind, to tell whose a line is
   */
  synchronized List<String> linesOf(
      String component, Map<String, FlumeMetrics.Type> components, int maxLines) {
    Map<String, Pattern> names = new LinkedHashMap<>();
    for (String name : components.keySet()) {
      names.put(name, named(name));
    }
    names.putIfAbsent(component, named(component));
    FlumeMetrics.Type kind = components.get(component);
    boolean onlyOfItsKind =
        kind != null && components.values().stream().filter(kind::equals).count() == 1;
    Pattern classOfKind = onlyOfItsKind ? CLASS_OF_KIND.get(kind) : null;
    Map<String, String> owner = new HashMap<>();
    Map<String, Integer> ownedFor = new HashMap<>();
    Map<String, Record> latest = new LinkedHashMap<>();
    for (Record record : records) {
      String text = record.text();
      List<String> named = new ArrayList<>(2);
      for (Map.Entry<String, Pattern> name : names.entrySet()) {
        if (name.getValue().matcher(text).find()) {
          named.add(name.getKey());
        }
      }
      String threadOwner = owner.get(record.thread);
      boolean concerns =
          named.contains(component)
              || (named.isEmpty() && component.equals(threadOwner))
              || (named.isEmpty()
                  && threadOwner == null
                  && classOfKind != null
                  && classOfKind.matcher(record.first).find());
      if (named.size() == 1 && !record.thread.equals(MAIN_THREAD)) {
        owner.put(record.thread, named.get(0));
        ownedFor.put(record.thread, OWNED_FOR);
      } else if (named.size() > 1) {
        owner.remove(record.thread);
      } else if (named.isEmpty() && ownedFor.merge(record.thread, -1, Integer::sum) <= 0) {
        owner.remove(record.thread);
      }
      if (concerns && record.level == Level.PROBLEM) {
        String message = withoutTime(record);
        latest.remove(message); // keeps insertion order by latest occurrence
        latest.put(message, record);
      }
    }
    List<String> lines = new ArrayList<>();
    for (Record record : latest.values()) {
      lines.add(record.first);
      if (record.cause != null) {
        lines.add(record.cause);
      }
    }
    return List.copyOf(lines.subList(Math.max(0, lines.size() - maxLines), lines.size()));
  }

  /** The record from its level on: the same message at another time is the same message. */
  private static String withoutTime(Record record) {
    Matcher level = LEVEL.matcher(record.first);
    String from = level.find() ? record.first.substring(level.start()) : record.first;
    return from + "\n" + record.cause;
  }

  private static Pattern named(String component) {
    return Pattern.compile("(?<![A-Za-z0-9_-])" + Pattern.quote(component) + "(?![A-Za-z0-9_-])");
  }

  private static String cut(String line) {
    return line.length() <= MAX_LINE_CHARS ? line : line.substring(0, MAX_LINE_CHARS);
  }
}
