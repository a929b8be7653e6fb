package io.flumesentinel.alert;

import io.flumesentinel.event.Alert;
import io.flumesentinel.protocol.UntrustedText;
import java.util.Map;
import java.util.Set;
import java.util.SortedMap;
import java.util.TreeMap;

/**
 * The bounds of what the ledger keeps of one alert, and so of what it records in ZooKeeper, sends
 * and publishes: a value over its bound is cut (ending with {@link UntrustedText#CUT}), and labels
 * or annotations that would make the whole too large are cut shorter, then left out (an {@value
 * #OMITTED} annotation says how many). Whatever an agent node holds, a record stays under {@link
 * #MAX_RECORD_BYTES}, far below what one ZooKeeper request may carry.
 *
 * <p>The ledger fits every alert as it comes in, so what is recorded is exactly what receivers are
 * handed: the fingerprint a receiver saw is the one of the record a restarted monitor loads, and
 * the re-derived alert at a restart equals the recorded one. Labels are fitted on their own (the
 * annotations do not decide which labels stay), so the resolved notice of an incident has the
 * labels, and the fingerprint, of its firing notice. The labels that make an alert's identity
 * ({@code alertname}, {@code agent}, {@code monitor}) are never cut: they name its record.
 *
 * <p>Pure and idempotent: {@code fit(fit(a))} equals {@code fit(a)}, and an alert within the bounds
 * is returned as it is.
 */
final class RecordLimits {

  /** Longest label value kept, in characters. */
  static final int MAX_LABEL_CHARS = 1024;

  /** Longest annotation value kept, in characters: a supervisor's 4 KB stderr tail stays whole. */
  static final int MAX_ANNOTATION_CHARS = 4096;

  /** What every value but the essential ones is cut to when the whole is too large. */
  static final int SHORT_VALUE_CHARS = 256;

  /** The most the labels take in a record's JSON, in bytes. */
  static final int MAX_LABELS_BYTES = 24 * 1024;

  /** The most the annotations take in a record's JSON, in bytes. */
  static final int MAX_ANNOTATIONS_BYTES = 32 * 1024;

  /**
   * The bound of a whole record: the labels, the annotations, the rest of the alert and what a few
   * dozen receivers acknowledged.
   */
  static final int MAX_RECORD_BYTES = 64 * 1024;

  /** The annotation that says what was left out of a record that would have been too large. */
  static final String OMITTED = "omitted";

  /** Room kept for the {@link #OMITTED} annotation (its name and value in JSON). */
  private static final int OMITTED_RESERVE = 2 * SHORT_VALUE_CHARS;

  /** Labels that name the record: never cut, never left out. */
  private static final Set<String> IDENTITY = Set.of(Alert.ALERTNAME, Alert.AGENT, Alert.MONITOR);

  /** Labels kept before any other when some must be left out. */
  private static final Set<String> ESSENTIAL_LABELS =
      Set.of(Alert.ALERTNAME, Alert.AGENT, Alert.MONITOR, "host", "group", "severity");

  /** Annotations kept before any other when some must be left out. */
  private static final Set<String> ESSENTIAL_ANNOTATIONS = Set.of("reason", "summary");

  private RecordLimits() {}

  /** {@code alert} within the bounds of a record; {@code alert} itself when it is. */
  static Alert fit(Alert alert) {
    Fitted labels = fit(alert.labels(), MAX_LABEL_CHARS, MAX_LABELS_BYTES, ESSENTIAL_LABELS);
    // An earlier fit's account of what it left out stays, unless more is left out now.
    String earlierOmitted = alert.annotations().get(OMITTED);
    SortedMap<String, String> others = alert.annotations();
    if (earlierOmitted != null) {
      others = new TreeMap<>(others);
      others.remove(OMITTED);
    }
    Fitted annotations =
        fit(
            others,
            MAX_ANNOTATION_CHARS,
            MAX_ANNOTATIONS_BYTES - OMITTED_RESERVE,
            ESSENTIAL_ANNOTATIONS);
    String omitted =
        labels.omitted() > 0 || annotations.omitted() > 0
            ? labels.omitted()
                + " label(s) and "
                + annotations.omitted()
                + " annotation(s) left out to bound the alert's size"
            : earlierOmitted == null ? null : UntrustedText.cut(earlierOmitted, SHORT_VALUE_CHARS);
    if (labels.values() == alert.labels()
        && annotations.values() == others
        && (omitted == null || omitted.equals(earlierOmitted))) {
      return alert;
    }
    SortedMap<String, String> annotationValues = new TreeMap<>(annotations.values());
    if (omitted != null) {
      annotationValues.put(OMITTED, omitted);
    }
    return new Alert(
        alert.status(),
        labels.values(),
        annotationValues,
        alert.startsAt(),
        alert.endsAt(),
        alert.generatorUrl());
  }

  /** Values within their bounds, and how many entries were left out. */
  private record Fitted(SortedMap<String, String> values, int omitted) {}

  /**
   * {@code values} within {@code budget} bytes of JSON: each value cut to {@code maxChars}; if that
   * is too large, every value but the essential ones cut to {@link #SHORT_VALUE_CHARS}; if that is
   * still too large, the essential entries and then the others in name order, as many as fit.
   * {@code values} itself when it is within the bounds.
   */
  private static Fitted fit(
      SortedMap<String, String> values, int maxChars, int budget, Set<String> essential) {
    SortedMap<String, String> cut = cut(values, maxChars, maxChars, essential);
    if (jsonBytes(cut) <= budget) {
      return new Fitted(cut, 0);
    }
    SortedMap<String, String> shorter = cut(values, maxChars, SHORT_VALUE_CHARS, essential);
    if (jsonBytes(shorter) <= budget) {
      return new Fitted(shorter, 0);
    }
    SortedMap<String, String> kept = new TreeMap<>();
    long used = 2;
    for (boolean essentialPass : new boolean[] {true, false}) {
      for (Map.Entry<String, String> entry : shorter.entrySet()) {
        if (essential.contains(entry.getKey()) != essentialPass) {
          continue;
        }
        long size = entryBytes(entry.getKey(), entry.getValue());
        if (used + size <= budget || IDENTITY.contains(entry.getKey())) {
          kept.put(entry.getKey(), entry.getValue());
          used += size;
        }
      }
    }
    return new Fitted(kept, shorter.size() - kept.size());
  }

  /**
   * {@code values} with each essential value cut to {@code essentialChars} and each other one to
   * {@code otherChars}, the identity labels left whole; {@code values} itself when nothing is cut.
   */
  private static SortedMap<String, String> cut(
      SortedMap<String, String> values, int essentialChars, int otherChars, Set<String> essential) {
    SortedMap<String, String> cut = null;
    for (Map.Entry<String, String> entry : values.entrySet()) {
      String name = entry.getKey();
      if (IDENTITY.contains(name)) {
        continue;
      }
      String value = entry.getValue();
      String shortened =
          UntrustedText.cut(value, essential.contains(name) ? essentialChars : otherChars);
      if (!shortened.equals(value)) {
        if (cut == null) {
          cut = new TreeMap<>(values);
        }
        cut.put(name, shortened);
      }
    }
    return cut == null ? values : cut;
  }

  /** The bytes {@code values} take as a JSON object. */
  static long jsonBytes(Map<String, String> values) {
    long bytes = 2;
    for (Map.Entry<String, String> entry : values.entrySet()) {
      bytes += entryBytes(entry.getKey(), entry.getValue());
    }
    return bytes;
  }

  private static long entryBytes(String name, String value) {
    return jsonBytes(name) + jsonBytes(value) + 2; // the colon and the comma
  }

  /** The bytes {@code text} takes as a JSON string in UTF-8, quotes and escapes included. */
  static long jsonBytes(String text) {
    long bytes = 2;
    for (int i = 0; i < text.length(); i++) {
      char c = text.charAt(i);
      if (c == '"' || c == '\\') {
        bytes += 2;
      } else if (c < 0x20) {
        bytes += c == '\n' || c == '\t' || c == '\r' || c == '\b' || c == '\f' ? 2 : 6;
      } else if (c < 0x80) {
        bytes += 1;
      } else if (c < 0x800 || Character.isSurrogate(c)) {
        bytes += 2;
      } else {
        bytes += 3;
      }
    }
    return bytes;
  }
}
