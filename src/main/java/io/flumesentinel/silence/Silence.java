package io.flumesentinel.silence;

import io.flumesentinel.protocol.SilenceIds;
import io.flumesentinel.protocol.UntrustedText;
import io.vertx.core.json.DecodeException;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.UUID;

/**
 * A silence, as in Alertmanager: while it is active (from {@code startsAt}, inclusive, to {@code
 * endsAt}, exclusive), alerts whose labels satisfy every one of its matchers are recorded and shown
 * but not sent. Stored as JSON in {@code <root>/silences/<id>}; immutable.
 *
 * <p>The canonical constructor checks only what makes a silence meaningful (an id, at least one
 * matcher, an end not before its start), so that a stored silence is read whatever tool wrote it;
 * {@link #create} adds the rules for a new one (a comment and an author, an end in the future, a
 * matcher that needs a value).
 *
 * @param createdBy who created it; empty when a stored silence does not say
 * @param comment why; empty when a stored silence does not say
 */
public record Silence(
    String id,
    List<Matcher> matchers,
    Instant startsAt,
    Instant endsAt,
    String createdBy,
    String comment) {

  /** Where a silence is in its life at a given instant. */
  public enum State {
    PENDING,
    ACTIVE,
    EXPIRED;

    /** The lower-case name, as Alertmanager's API writes it. */
    public String wire() {
      return name().toLowerCase(Locale.ROOT);
    }
  }

  public Silence {
    String problem = idProblem(id);
    if (problem != null) {
      throw new IllegalArgumentException(problem);
    }
    matchers = List.copyOf(matchers);
    if (matchers.isEmpty()) {
      throw new IllegalArgumentException("a silence needs at least one matcher");
    }
    Objects.requireNonNull(startsAt, "startsAt");
    Objects.requireNonNull(endsAt, "endsAt");
    if (endsAt.isBefore(startsAt)) {
      throw new IllegalArgumentException("the end " + endsAt + " is before the start " + startsAt);
    }
    createdBy = createdBy == null ? "" : createdBy;
    comment = comment == null ? "" : comment;
  }

  /**
   * The most bytes a new silence may take as stored, so that the monitor reads every silence in a
   * few small requests.
   */
  public static final int MAX_STORED_BYTES = 64 * 1024;

  /**
   * As {@link #create(List, Instant, Instant, String, String, Instant, SilenceRules)}, with the
   * default rules.
   */
  public static Silence create(
      List<Matcher> matchers,
      Instant startsAt,
      Instant endsAt,
      String createdBy,
      String comment,
      Instant now) {
    return create(matchers, startsAt, endsAt, createdBy, comment, now, SilenceRules.defaults());
  }

  /**
   * A new silence with a random id, checked as amtool and Alertmanager check one, and with {@code
   * rules}, which the monitor applies again to every silence it reads.
   *
   * @throws IllegalArgumentException with one line naming what is wrong
   */
  public static Silence create(
      List<Matcher> matchers,
      Instant startsAt,
      Instant endsAt,
      String createdBy,
      String comment,
      Instant now,
      SilenceRules rules) {
    if (matchers.isEmpty()) {
      throw new IllegalArgumentException("a silence needs at least one matcher");
    }
    String everything = SilenceRules.problem(matchers);
    if (everything != null) {
      throw new IllegalArgumentException(everything);
    }
    if (createdBy == null || createdBy.isBlank()) {
      throw new IllegalArgumentException("the author is empty");
    }
    if (comment == null || comment.isBlank()) {
      throw new IllegalArgumentException("the comment is empty: say why the alerts are silenced");
    }
    if (!endsAt.isAfter(startsAt)) {
      throw new IllegalArgumentException(
          "the end " + endsAt + " is not after the start " + startsAt);
    }
    if (!endsAt.isAfter(now)) {
      throw new IllegalArgumentException("the end " + endsAt + " is in the past");
    }
    Silence silence =
        new Silence(
            UUID.randomUUID().toString(), matchers, startsAt, endsAt, createdBy.strip(), comment);
    String refused = rules.problem(silence);
    if (refused != null) {
      throw new IllegalArgumentException("the silence would be refused: " + refused);
    }
    int size = silence.toBytes().length;
    if (size > MAX_STORED_BYTES) {
      throw new IllegalArgumentException(
          "the silence takes "
              + size
              + " bytes as stored; at most "
              + MAX_STORED_BYTES
              + " are allowed: shorten its comment or its matchers");
    }
    return silence;
  }

  /**
   * A new silence from the body of Alertmanager's {@code POST /api/v2/silences} ({@code matchers}
   * of {@code name}, {@code value}, {@code isRegex}, {@code isEqual}; {@code startsAt}, default
   * now; {@code endsAt}; {@code createdBy}; {@code comment}), checked exactly as {@link #create}
   * checks the command's. {@code createdBy} is made one line of at most 256 characters. An {@code
   * id} (Alertmanager's update of a silence) is refused: expire it and add another.
   *
   * @throws IllegalArgumentException with one line naming what is wrong
   */
  public static Silence create(JsonObject postable, Instant now, SilenceRules rules) {
    Object id = postable.getValue("id");
    if (id != null && !id.toString().isEmpty()) {
      throw new IllegalArgumentException(
          "id: a silence cannot be changed; expire it and add another");
    }
    if (!(postable.getValue("matchers") instanceof JsonArray array)) {
      throw new IllegalArgumentException("matchers must be an array");
    }
    List<Matcher> matchers = new ArrayList<>();
    for (Object each : array) {
      if (!(each instanceof JsonObject object)) {
        throw new IllegalArgumentException("a matcher must be an object");
      }
      matchers.add(Matcher.fromJson(object));
    }
    Instant startsAt =
        postable.getValue("startsAt") == null ? now : postedInstant(postable, "startsAt");
    Instant endsAt = postedInstant(postable, "endsAt");
    Object createdBy = postable.getValue("createdBy");
    Object comment = postable.getValue("comment");
    if (!(createdBy instanceof String author) || author.isBlank()) {
      throw new IllegalArgumentException("createdBy must name who creates the silence");
    }
    return create(
        matchers,
        startsAt,
        endsAt,
        UntrustedText.line(author),
        comment instanceof String text ? text : null,
        now,
        rules);
  }

  /** An RFC 3339 time as Alertmanager takes it: {@code Z} or an offset. */
  private static Instant postedInstant(JsonObject json, String key) {
    if (json.getValue(key) instanceof String text) {
      try {
        return OffsetDateTime.parse(text).toInstant();
      } catch (DateTimeParseException e) {
        // named below
      }
    }
    throw new IllegalArgumentException(
        key + " must be an RFC 3339 time such as 2026-11-22T18:00:00Z");
  }

  /** Why {@code id} cannot name a silence, or {@code null} when it can. */
  public static String idProblem(String id) {
    return SilenceIds.problem(id);
  }

  public State state(Instant at) {
    if (at.isBefore(startsAt)) {
      return State.PENDING;
    }
    return at.isBefore(endsAt) ? State.ACTIVE : State.EXPIRED;
  }

  /** Whether this silence is active at {@code at} and every matcher holds for {@code labels}. */
  public boolean mutes(Map<String, String> labels, Instant at) {
    return state(at) == State.ACTIVE && matchers.stream().allMatch(m -> m.matches(labels));
  }

  /**
   * This silence ended at {@code now}: an active one ends now, a pending one will never start (as
   * Alertmanager expires it: start and end both now).
   *
   * @throws IllegalStateException when it has already expired
   */
  public Silence expire(Instant now) {
    return switch (state(now)) {
      case ACTIVE -> new Silence(id, matchers, startsAt, now, createdBy, comment);
      case PENDING -> new Silence(id, matchers, now, now, createdBy, comment);
      case EXPIRED ->
          throw new IllegalStateException("silence " + id + " already expired at " + endsAt);
    };
  }

  /** The matchers in amtool's form, separated by spaces. */
  public String matchersText() {
    return text(matchers);
  }

  public JsonObject toJson() {
    JsonArray matcherJson = new JsonArray();
    matchers.forEach(m -> matcherJson.add(m.toJson()));
    return new JsonObject()
        .put("id", id)
        .put("matchers", matcherJson)
        .put("startsAt", startsAt.toString())
        .put("endsAt", endsAt.toString())
        .put("createdBy", createdBy)
        .put("comment", comment);
  }

  public byte[] toBytes() {
    return toJson().encode().getBytes(StandardCharsets.UTF_8);
  }

  /**
   * Reads a stored silence; {@code id} is its znode's name, which wins over an {@code id} field.
   * Unknown fields are ignored.
   *
   * @throws IllegalArgumentException naming the field that is missing or wrong
   */
  public static Silence parse(String id, byte[] data) {
    JsonObject json;
    try {
      json = new JsonObject(new String(data == null ? new byte[0] : data, StandardCharsets.UTF_8));
    } catch (DecodeException | ClassCastException e) {
      throw new IllegalArgumentException("silence " + id + " is not a JSON object");
    }
    return fromJson(id, json);
  }

  /** As {@link #parse}, from JSON already decoded. */
  public static Silence fromJson(String id, JsonObject json) {
    if (!(json.getValue("matchers") instanceof JsonArray array)) {
      throw new IllegalArgumentException("silence " + id + ": matchers must be an array");
    }
    List<Matcher> matchers = new ArrayList<>();
    for (Object each : array) {
      if (!(each instanceof JsonObject object)) {
        throw new IllegalArgumentException("silence " + id + ": a matcher must be an object");
      }
      try {
        matchers.add(Matcher.fromJson(object));
      } catch (IllegalArgumentException e) {
        throw new IllegalArgumentException("silence " + id + ": " + e.getMessage());
      }
    }
    try {
      return new Silence(
          id,
          matchers,
          instant(json, "startsAt", id),
          instant(json, "endsAt", id),
          optionalString(json, "createdBy"),
          optionalString(json, "comment"));
    } catch (IllegalArgumentException e) {
      throw e.getMessage().startsWith("silence ")
          ? e
          : new IllegalArgumentException("silence " + id + ": " + e.getMessage());
    }
  }

  private static Instant instant(JsonObject json, String key, String id) {
    Object value = json.getValue(key);
    if (!(value instanceof String text)) {
      throw new IllegalArgumentException("silence " + id + ": " + key + " must be an ISO instant");
    }
    try {
      return Instant.parse(text);
    } catch (DateTimeParseException e) {
      throw new IllegalArgumentException(
          "silence " + id + ": " + key + " '" + text + "' is not an ISO instant");
    }
  }

  private static String optionalString(JsonObject json, String key) {
    Object value = json.getValue(key);
    return value == null ? "" : value.toString();
  }

  private static String text(List<Matcher> matchers) {
    return String.join(" ", matchers.stream().map(Matcher::toString).toList());
  }
}
