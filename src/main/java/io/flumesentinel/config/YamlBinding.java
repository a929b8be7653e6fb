package io.flumesentinel.config;

import com.fasterxml.jackson.annotation.JsonSetter;
import com.fasterxml.jackson.annotation.JsonTypeInfo;
import com.fasterxml.jackson.annotation.Nulls;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonStreamContext;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.exc.InputCoercionException;
import com.fasterxml.jackson.databind.BeanDescription;
import com.fasterxml.jackson.databind.DatabindContext;
import com.fasterxml.jackson.databind.DeserializationConfig;
import com.fasterxml.jackson.databind.DeserializationContext;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.InjectableValues;
import com.fasterxml.jackson.databind.JavaType;
import com.fasterxml.jackson.databind.JsonDeserializer;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.MapperFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.cfg.CoercionAction;
import com.fasterxml.jackson.databind.cfg.CoercionInputShape;
import com.fasterxml.jackson.databind.deser.BeanDeserializerBase;
import com.fasterxml.jackson.databind.deser.BeanDeserializerModifier;
import com.fasterxml.jackson.databind.deser.DeserializationProblemHandler;
import com.fasterxml.jackson.databind.deser.ValueInstantiator;
import com.fasterxml.jackson.databind.deser.std.DelegatingDeserializer;
import com.fasterxml.jackson.databind.deser.std.StdScalarDeserializer;
import com.fasterxml.jackson.databind.exc.InvalidFormatException;
import com.fasterxml.jackson.databind.exc.InvalidNullException;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.jsontype.impl.TypeIdResolverBase;
import com.fasterxml.jackson.databind.module.SimpleModule;
import com.fasterxml.jackson.databind.type.CollectionType;
import com.fasterxml.jackson.databind.type.LogicalType;
import com.fasterxml.jackson.databind.type.MapType;
import com.fasterxml.jackson.databind.util.TokenBuffer;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Arrays;
import java.util.Collection;
import java.util.Deque;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.Consumer;
import java.util.function.Function;
import java.util.stream.Collectors;

/**
 * Binds the YAML tree to the config records with Jackson databind, and turns what Jackson finds
 * wrong into a {@link ConfigException} of one line naming the full key ({@code receivers[2].urlEnv:
 * ...}).
 *
 * <p>The records say how the file writes them, with a {@code @JsonCreator} factory named {@code
 * read} that applies the defaults and checks what a type cannot (ranges, one key against another,
 * the environment). They throw a {@link ConfigException} naming their own key; Jackson adds the
 * path to it. Unknown keys are errors, with the closest known key suggested. A key written with no
 * value takes its default, as an absent one does.
 */
final class YamlBinding {

  /** The injectable value every record reading a secret gets: variable name to value or null. */
  static final String ENVIRONMENT = "environment";

  /** The attribute holding the {@code Consumer<String>} that is told of deprecated keys. */
  private static final String WARNINGS = "warnings";

  private static final String DURATION = "must be a duration like 30s, 5m or 4h";

  private static final String PACKAGE = YamlBinding.class.getPackageName();

  private static final ObjectMapper MAPPER = mapper();

  private YamlBinding() {}

  /**
   * The config {@code document} (a mapping) writes.
   *
   * @param environment the value of an environment variable by name, {@code null} if unset
   * @param warnings told of each deprecated key, in one line naming it and its replacement
   */
  static MonitorConfig bind(
      JsonNode document, Function<String, String> environment, Consumer<String> warnings) {
    return bind(document, MonitorConfig.class, environment, warnings);
  }

  /** As {@link #bind(JsonNode, Function, Consumer)}, for a file holding one section only. */
  static <T> T bind(
      JsonNode document,
      Class<T> type,
      Function<String, String> environment,
      Consumer<String> warnings) {
    try {
      return MAPPER
          .readerFor(type)
          .with(new InjectableValues.Std().addValue(ENVIRONMENT, environment))
          .withAttribute(WARNINGS, warnings)
          .readValue(document);
    } catch (ConfigException topLevel) {
      throw topLevel;
    } catch (JsonMappingException e) {
      throw translate(e);
    } catch (IOException e) {
      // A tree is already parsed: only binding can fail, and that is a JsonMappingException.
      throw new IllegalStateException(e);
    }
  }

  private static ObjectMapper mapper() {
    ObjectMapper mapper =
        JsonMapper.builder()
            .enable(MapperFeature.ACCEPT_CASE_INSENSITIVE_ENUMS)
            .disable(DeserializationFeature.ACCEPT_FLOAT_AS_INT)
            .enable(DeserializationFeature.FAIL_ON_NUMBERS_FOR_ENUMS)
            .enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
            .defaultSetterInfo(JsonSetter.Value.forContentNulls(Nulls.FAIL))
            .addModule(
                new SimpleModule("flume-sentinel-config")
                    .addDeserializer(Duration.class, new DurationDeserializer())
                    .addDeserializer(Milliseconds.class, new MillisecondsDeserializer())
                    .setDeserializerModifier(new Shapes()))
            .addHandler(new Problems())
            .build();
    // The file says true or false, and a number or nothing where it means one.
    mapper
        .coercionConfigFor(LogicalType.Boolean)
        .setCoercion(CoercionInputShape.Integer, CoercionAction.Fail);
    mapper
        .coercionConfigDefaults()
        .setCoercion(CoercionInputShape.EmptyString, CoercionAction.Fail);
    return mapper;
  }

  /** One line naming the full key, from what Jackson reports with its path. */
  private static ConfigException translate(JsonMappingException e) {
    String path = path(e.getPath());
    for (Throwable cause = e; cause != null; cause = cause.getCause()) {
      if (cause instanceof ConfigException problem) {
        return new ConfigException(join(path, problem.key()), problem.problem());
      }
    }
    if (e instanceof InvalidNullException nothing) {
      return new ConfigException(path, expected(nothing.getTargetType()) + ", got nothing");
    }
    if (e instanceof InvalidFormatException format) {
      return new ConfigException(
          path,
          expected(format.getTargetType())
              + ", got "
              + ConfigChecks.quote(String.valueOf(format.getValue())));
    }
    if (e.getCause() instanceof InputCoercionException tooLarge
        && tooLarge.getProcessor() != null) {
      return new ConfigException(
          path, expected(tooLarge.getTargetType()) + ", got " + describe(tooLarge.getProcessor()));
    }
    String message = e.getOriginalMessage() == null ? "" : e.getOriginalMessage();
    return new ConfigException(path, message.lines().findFirst().orElse("cannot be read"));
  }

  private static String path(List<JsonMappingException.Reference> references) {
    StringBuilder path = new StringBuilder();
    for (JsonMappingException.Reference reference : references) {
      if (reference.getFieldName() != null) {
        appendName(path, reference.getFieldName());
      } else {
        path.append('[').append(reference.getIndex()).append(']');
      }
    }
    return path.toString();
  }

  /** The full key of the value {@code parser} is at, from the names and indexes it is inside. */
  private static String keyOf(JsonParser parser) {
    Deque<JsonStreamContext> contexts = new ArrayDeque<>();
    for (JsonStreamContext c = parser.getParsingContext(); c != null; c = c.getParent()) {
      contexts.push(c);
    }
    StringBuilder key = new StringBuilder();
    for (JsonStreamContext c : contexts) {
      if (c.inObject() && c.getCurrentName() != null) {
        appendName(key, c.getCurrentName());
      } else if (c.inArray()) {
        key.append('[').append(c.getCurrentIndex()).append(']');
      }
    }
    return key.toString();
  }

  private static void appendName(StringBuilder key, String name) {
    if (key.length() > 0) {
      key.append('.');
    }
    key.append(name);
  }

  private static String join(String path, String key) {
    if (path.isEmpty() || key.isEmpty()) {
      return path + key;
    }
    return key.startsWith("[") ? path + key : path + "." + key;
  }

  /** What a value of {@code type} must be, as the start of a message. */
  private static String expected(Class<?> type) {
    if (type == Long.class || type == Integer.class || type == long.class || type == int.class) {
      return "must be a whole number";
    }
    if (type == Boolean.class || type == boolean.class) {
      return "must be true or false";
    }
    if (Number.class.isAssignableFrom(type) || type == double.class) {
      return "must be a number";
    }
    if (type == String.class) {
      return "must be a plain value";
    }
    if (type == Duration.class) {
      return DURATION;
    }
    if (type.isEnum()) {
      List<String> values = Arrays.stream(type.getEnumConstants()).map(String::valueOf).toList();
      return "must be "
          + String.join(", ", values.subList(0, values.size() - 1))
          + " or "
          + values.get(values.size() - 1);
    }
    if (Collection.class.isAssignableFrom(type) || type.isArray()) {
      return "must be a list";
    }
    return "must be a mapping of keys";
  }

  /** The value at {@code token}, as messages show it: {@code 'text'}, a list, a mapping. */
  private static String describe(JsonToken token, JsonParser parser) throws IOException {
    if (token == null) {
      return "nothing";
    }
    return switch (token) {
      case START_OBJECT, FIELD_NAME, END_OBJECT -> "a mapping";
      case START_ARRAY, END_ARRAY -> "a list";
      case VALUE_NULL -> "nothing";
      default -> ConfigChecks.quote(parser.getText());
    };
  }

  private static String describe(JsonParser parser) {
    try {
      return describe(parser.currentToken(), parser);
    } catch (IOException e) {
      return "a value that cannot be read";
    }
  }

  /**
   * Wraps each config record's deserializer, and every list's and mapping's, in a check of what the
   * file gives it, made on the parser at hand (Jackson's own reports of a wrong shape may look at
   * another, when it has buffered the value).
   */
  private static final class Shapes extends BeanDeserializerModifier {

    @Override
    public JsonDeserializer<?> modifyDeserializer(
        DeserializationConfig config,
        BeanDescription description,
        JsonDeserializer<?> deserializer) {
      if (!(deserializer instanceof BeanDeserializerBase)
          || !description.getBeanClass().getPackageName().equals(PACKAGE)) {
        return deserializer;
      }
      Set<String> ignored =
          config
              .getDefaultPropertyIgnorals(description.getBeanClass(), description.getClassInfo())
              .findIgnoredForDeserialization();
      return new Checked(deserializer, Shape.RECORD, ignored);
    }

    @Override
    public JsonDeserializer<?> modifyCollectionDeserializer(
        DeserializationConfig config,
        CollectionType type,
        BeanDescription description,
        JsonDeserializer<?> deserializer) {
      return new Checked(deserializer, Shape.LIST, Set.of());
    }

    @Override
    public JsonDeserializer<?> modifyMapDeserializer(
        DeserializationConfig config,
        MapType type,
        BeanDescription description,
        JsonDeserializer<?> deserializer) {
      return new Checked(deserializer, Shape.MAPPING, Set.of());
    }
  }

  private enum Shape {
    /** A config record: a mapping of its own keys only, or a plain value its creator takes. */
    RECORD,
    LIST,
    MAPPING
  }

  /**
   * A deserializer that first checks the shape of the value and, for a record, that every key is
   * known: Jackson reports an unknown key only after the record's creator ran, and a key the
   * creator requires would then hide the misspelling that left it out.
   */
  private static final class Checked extends DelegatingDeserializer {

    private final Shape shape;
    private final Set<String> ignored;

    Checked(JsonDeserializer<?> delegatee, Shape shape, Set<String> ignored) {
      super(delegatee);
      this.shape = shape;
      this.ignored = ignored;
    }

    @Override
    protected JsonDeserializer<?> newDelegatingInstance(JsonDeserializer<?> delegatee) {
      return new Checked(delegatee, shape, ignored);
    }

    @Override
    public Object deserialize(JsonParser parser, DeserializationContext context)
        throws IOException {
      JsonToken token = parser.currentToken();
      boolean mapping =
          token == JsonToken.START_OBJECT
              || token == JsonToken.FIELD_NAME
              || token == JsonToken.END_OBJECT;
      boolean fits =
          switch (shape) {
            case LIST -> token == JsonToken.START_ARRAY;
            case MAPPING -> mapping;
            case RECORD -> mapping || takes(parser, token);
          };
      if (!fits) {
        throw new ConfigException(
            "",
            (shape == Shape.LIST ? "must be a list" : "must be a mapping of keys")
                + ", got "
                + describe(token, parser));
      }
      if (shape == Shape.RECORD && mapping) {
        return _delegatee.deserialize(knownKeysOnly(parser, context), context);
      }
      return _delegatee.deserialize(parser, context);
    }

    /** Whether the record's creator takes this plain value ({@code cluster: true}). */
    private boolean takes(JsonParser parser, JsonToken token) throws IOException {
      ValueInstantiator creators = ((ValueInstantiator.Gettable) _delegatee).getValueInstantiator();
      return switch (token) {
        case VALUE_TRUE, VALUE_FALSE -> creators.canCreateFromBoolean();
        case VALUE_STRING ->
            creators.canCreateFromString()
                || (creators.canCreateFromBoolean()
                    && List.of("true", "false").contains(parser.getText().trim()));
        default -> false;
      };
    }

    /**
     * The mapping {@code parser} is at, to be read again, once every key of it is known to the
     * record; fails on the first that is not, suggesting the closest known key.
     */
    private JsonParser knownKeysOnly(JsonParser parser, DeserializationContext context)
        throws IOException {
      TreeSet<String> known = new TreeSet<>(ignored);
      _delegatee.getKnownPropertyNames().forEach(name -> known.add(String.valueOf(name)));
      // The copy holds the keys without the braces, as Jackson's own buffers do: read again, it
      // stands in for this mapping, and keyOf still sees the full key.
      TokenBuffer copy = context.bufferForInputBuffering(parser);
      JsonToken token =
          parser.currentToken() == JsonToken.START_OBJECT
              ? parser.nextToken()
              : parser.currentToken();
      for (; token == JsonToken.FIELD_NAME; token = parser.nextToken()) {
        String name = parser.currentName();
        if (!known.contains(name)) {
          String hint =
              Spelling.closest(name, known).map(k -> " (did you mean '" + k + "'?)").orElse("");
          throw new ConfigException(name, "unknown key" + hint);
        }
        copy.copyCurrentStructure(parser);
      }
      copy.writeEndObject();
      JsonParser again = copy.asParser(parser);
      again.nextToken();
      return again;
    }
  }

  /** Turns what Jackson cannot bind into the message of the key, as the file states it. */
  private static final class Problems extends DeserializationProblemHandler {

    @Override
    public Object handleWeirdStringValue(
        DeserializationContext context, Class<?> type, String value, String failure) {
      throw new ConfigException("", expected(type) + ", got " + ConfigChecks.quote(value));
    }

    @Override
    public Object handleWeirdNumberValue(
        DeserializationContext context, Class<?> type, Number value, String failure) {
      throw new ConfigException(
          "", expected(type) + ", got " + ConfigChecks.quote(String.valueOf(value)));
    }

    @Override
    public Object handleUnexpectedToken(
        DeserializationContext context,
        JavaType type,
        JsonToken token,
        JsonParser parser,
        String failure)
        throws IOException {
      if (type == null) {
        return NOT_HANDLED;
      }
      throw new ConfigException(
          "", expected(type.getRawClass()) + ", got " + describe(token, parser));
    }
  }

  /** A duration key, written as {@link DurationText} reads it. */
  private static final class DurationDeserializer extends StdScalarDeserializer<Duration> {

    DurationDeserializer() {
      super(Duration.class);
    }

    @Override
    public Duration deserialize(JsonParser parser, DeserializationContext context)
        throws IOException {
      if (!parser.currentToken().isScalarValue()) {
        throw new ConfigException("", DURATION + ", got " + describe(parser));
      }
      String text = parser.getText();
      try {
        return DurationText.parse(text);
      } catch (ArithmeticException e) {
        throw new ConfigException("", ConfigChecks.quote(text) + " is too long a duration");
      } catch (IllegalArgumentException e) {
        throw new ConfigException("", DURATION + ", got " + ConfigChecks.quote(text));
      }
    }
  }

  /** A deprecated millisecond key: a whole number, and a warning naming its replacement. */
  private static final class MillisecondsDeserializer extends StdScalarDeserializer<Milliseconds> {

    MillisecondsDeserializer() {
      super(Milliseconds.class);
    }

    @Override
    public Milliseconds deserialize(JsonParser parser, DeserializationContext context)
        throws IOException {
      String key = keyOf(parser);
      long millis = context.readValue(parser, Long.class);
      String name = parser.currentName();
      @SuppressWarnings("unchecked")
      Consumer<String> warnings = (Consumer<String>) context.getAttribute(WARNINGS);
      warnings.accept(
          key
              + " is deprecated: write '"
              + DurationKey.replacementOf(name)
              + ": "
              + (millis < 0 ? millis + "ms" : DurationText.format(Duration.ofMillis(millis)))
              + "' instead");
      return new Milliseconds(millis);
    }
  }

  /**
   * The receiver class of a {@code type}: webhook (also when there is no {@code type}), mail, or a
   * chat robot; any case, surrounding blanks ignored.
   */
  static final class ReceiverTypes extends TypeIdResolverBase {

    @Override
    public JavaType typeFromId(DatabindContext context, String id) {
      String type = id.strip().toLowerCase(Locale.ROOT);
      Class<? extends ReceiverConfig> receiver =
          switch (type) {
            case WebhookReceiverConfig.TYPE -> WebhookReceiverConfig.class;
            case MailReceiverConfig.TYPE -> MailReceiverConfig.class;
            default -> {
              if (RobotReceiverConfig.Vendor.of(type) == null) {
                throw new ConfigException(
                    "type",
                    "unknown receiver type "
                        + ConfigChecks.quote(id.strip())
                        + "; supported: webhook, mail, "
                        + Arrays.stream(RobotReceiverConfig.Vendor.values())
                            .map(RobotReceiverConfig.Vendor::wire)
                            .collect(Collectors.joining(", ")));
              }
              yield RobotReceiverConfig.class;
            }
          };
      return context.constructType(receiver);
    }

    @Override
    public String idFromValue(Object value) {
      return ((ReceiverConfig) value).type();
    }

    @Override
    public String idFromValueAndType(Object value, Class<?> type) {
      return idFromValue(value);
    }

    @Override
    public JsonTypeInfo.Id getMechanism() {
      return JsonTypeInfo.Id.CUSTOM;
    }
  }
}
