package io.flumesentinel.config;

import com.fasterxml.jackson.annotation.JacksonInject;
import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.annotation.OptBoolean;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Function;
import java.util.regex.Pattern;

/**
 * The bearer tokens of the HTTP endpoints: none (everything open, as without this section), or
 * tokens with a role each. Only each token's SHA-256 digest is kept, so neither this record nor a
 * heap dump of it gives a token away.
 *
 * @param tokens every token configured, in the order given
 */
public record HttpAuthConfig(List<Token> tokens) {

  /** Tokens are sent in an {@code Authorization: Bearer} header: RFC 6750's token68 characters. */
  private static final Pattern TOKEN = Pattern.compile("[A-Za-z0-9._~+/-]+=*");

  /** Shorter tokens can be guessed; 32 hex digits ({@code openssl rand -hex 16}) are the least. */
  static final int MIN_TOKEN_LENGTH = 32;

  private static final int MAX_TOKEN_LENGTH = 4096;

  /** What a token allows. */
  public enum Role {
    /** every GET: {@code /api/*}, {@code /status}, dashboards and metrics. */
    READ,
    /** every request a read token may make, and every other method (silences, acknowledgements). */
    WRITE;

    public String wire() {
      return name().toLowerCase(Locale.ROOT);
    }

    /** Whether a token of this role may do what {@code needed} asks. */
    public boolean allows(Role needed) {
      return this == WRITE || needed == READ;
    }
  }

  /**
   * One token.
   *
   * @param source where it was configured, as a log line may name it ({@code
   *     http.auth.readTokenEnv=NAME}, {@code http.auth.tokensFile line 3})
   * @param sha256 the SHA-256 digest of the token's UTF-8 bytes
   */
  public record Token(Role role, String source, byte[] sha256) {

    public Token {
      sha256 = sha256.clone();
    }

    @Override
    public byte[] sha256() {
      return sha256.clone();
    }

    @Override
    public boolean equals(Object other) {
      return other instanceof Token token
          && role == token.role
          && source.equals(token.source)
          && MessageDigest.isEqual(sha256, token.sha256);
    }

    @Override
    public int hashCode() {
      return 31 * (31 * role.hashCode() + source.hashCode()) + Arrays.hashCode(sha256);
    }

    @Override
    public String toString() {
      return "Token[role=" + role.wire() + ", source=" + source + "]";
    }
  }

  public HttpAuthConfig {
    tokens = List.copyOf(tokens);
  }

  /** No tokens: every endpoint answers anyone. */
  public static HttpAuthConfig none() {
    return new HttpAuthConfig(List.of());
  }

  /** Whether requests need a token (all but {@code /health/*}). */
  public boolean enabled() {
    return !tokens.isEmpty();
  }

  /** How many tokens of {@code role} there are. */
  public long count(Role role) {
    return tokens.stream().filter(t -> t.role() == role).count();
  }

  /** The SHA-256 digest of {@code token}'s UTF-8 bytes, as {@link Token#sha256()} holds it. */
  public static byte[] digest(String token) {
    try {
      return MessageDigest.getInstance("SHA-256").digest(token.getBytes(StandardCharsets.UTF_8));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("every Java runtime has SHA-256", e);
    }
  }

  /**
   * The {@code http.auth} section: {@code tokensFile} (lines {@code read TOKEN} or {@code write
   * TOKEN}; blank lines and lines starting with {@code #} ignored), {@code readTokenEnv} and {@code
   * writeTokenEnv} (names of environment variables holding one token each); any of them, together.
   */
  @JsonCreator
  static HttpAuthConfig read(
      @JsonProperty("tokensFile") String tokensFile,
      @JsonProperty("readTokenEnv") String readTokenEnv,
      @JsonProperty("writeTokenEnv") String writeTokenEnv,
      @JacksonInject(value = YamlBinding.ENVIRONMENT, useInput = OptBoolean.FALSE)
          Function<String, String> environment) {
    List<Token> tokens = new ArrayList<>();
    Map<String, String> seen = new HashMap<>();
    if (tokensFile != null) {
      String text = HttpFiles.text("tokensFile", HttpFiles.readable("tokensFile", tokensFile));
      List<String> lines = text.lines().toList();
      for (int i = 0; i < lines.size(); i++) {
        String line = lines.get(i).strip();
        if (line.isEmpty() || line.startsWith("#")) {
          continue;
        }
        String where = "line " + (i + 1);
        // Never quote the line: it holds a token, perhaps a real one in a wrong place.
        String[] parts = line.split("\\s+");
        if (parts.length != 2) {
          throw new ConfigException(
              "tokensFile", where + ": must be a role and a token, like 'read TOKEN'");
        }
        Role role = role(parts[0], where);
        tokens.add(
            token(role, parts[1], "tokensFile", where, "http.auth.tokensFile " + where, seen));
      }
    }
    if (readTokenEnv != null) {
      tokens.add(fromEnvironment(Role.READ, "readTokenEnv", readTokenEnv, environment, seen));
    }
    if (writeTokenEnv != null) {
      tokens.add(fromEnvironment(Role.WRITE, "writeTokenEnv", writeTokenEnv, environment, seen));
    }
    if (tokens.isEmpty()) {
      throw new ConfigException(
          tokensFile != null ? "tokensFile" : "",
          "configures no token; give tokensFile, readTokenEnv or writeTokenEnv with at least one,"
              + " or leave http.auth out");
    }
    return new HttpAuthConfig(tokens);
  }

  private static Role role(String written, String where) {
    for (Role role : Role.values()) {
      if (role.wire().equals(written.toLowerCase(Locale.ROOT))) {
        return role;
      }
    }
    throw new ConfigException(
        "tokensFile",
        where + ": unknown role " + ConfigChecks.quote(written) + "; the roles are read and write");
  }

  private static Token fromEnvironment(
      Role role,
      String key,
      String variable,
      Function<String, String> environment,
      Map<String, String> seen) {
    String name = ReceiverChecks.stripped(variable);
    String token = HttpFiles.fromEnvironment(key, name, environment);
    return token(
        role,
        token,
        key,
        "the environment variable " + name,
        "http.auth." + key + "=" + name,
        seen);
  }

  /**
   * A checked token.
   *
   * @param where names the token in a message: a line of the file, an environment variable
   * @param seen what was configured already, digest (hex) to where, to refuse a token given twice
   */
  private static Token token(
      Role role, String token, String key, String where, String source, Map<String, String> seen) {
    if (token.length() < MIN_TOKEN_LENGTH
        || token.length() > MAX_TOKEN_LENGTH
        || !TOKEN.matcher(token).matches()) {
      throw new ConfigException(
          key,
          where
              + ": a token must be "
              + MIN_TOKEN_LENGTH
              + " to "
              + MAX_TOKEN_LENGTH
              + " letters, digits and -._~+/ (make one with 'openssl rand -hex 32')");
    }
    byte[] digest = digest(token);
    String earlier = seen.putIfAbsent(java.util.HexFormat.of().formatHex(digest), where);
    if (earlier != null) {
      throw new ConfigException(
          key, where + ": the same token is given in " + earlier + "; give each token once");
    }
    return new Token(role, source, digest);
  }

  @Override
  public String toString() {
    return "HttpAuthConfig[tokens=" + tokens + "]";
  }
}
