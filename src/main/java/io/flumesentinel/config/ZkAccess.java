package io.flumesentinel.config;

import com.fasterxml.jackson.annotation.JacksonInject;
import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.annotation.OptBoolean;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.AccessDeniedException;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.security.NoSuchAlgorithmException;
import java.security.URIParameter;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.function.Function;
import java.util.regex.Pattern;
import org.apache.zookeeper.data.Id;

/**
 * Who a ZooKeeper client is ({@code auth}) and who may do what on the znodes it creates ({@code
 * acl}): the same two keys under {@code zookeeper} in the monitor's and the supervisor's files, and
 * in the file {@code --zk-auth} names for the other commands.
 *
 * <pre>
 * auth:
 *   sasl:                                  # SASL (DIGEST-MD5 or Kerberos) through JAAS
 *     loginContext: Monitor                # the section of the JAAS file for this client
 *     jaasFile: /etc/flume-sentinel/zk-jaas.conf   # optional: else -Djava.security.auth.login.config
 *     serverPrincipal: zookeeper           # optional, Kerberos: the server principal's first part
 *   digest:                                # addauth digest user:password
 *     user: monitor
 *     passwordFile: /run/secrets/zk-monitor        # or passwordEnv: ZK_MONITOR_PASSWORD
 * acl:                                     # ZooKeeper ids, scheme:id, of each role
 *   monitors:  [ "sasl:monitor" ]
 *   agents:    [ "sasl:agent" ]
 *   operators: [ "sasl:operator", "digest:ops:NRI2hFRm2a9BnUHMGw7pUcKcSwc=" ]
 * </pre>
 *
 * Secrets never come from the file itself: a password comes from a file or an environment variable
 * the file names, and {@link #toString()} never shows it.
 *
 * @param sasl SASL authentication, or {@code null}
 * @param digest digest credentials, or {@code null}
 * @param acl the ids of each role, or {@code null}: every znode is created open to anyone, as
 *     ZooKeeper's default
 */
public record ZkAccess(Sasl sasl, Digest digest, Acl acl) {

  /** The JVM-wide system property naming the JAAS file. */
  public static final String JAAS_PROPERTY = "java.security.auth.login.config";

  private static final ZkAccess NONE = new ZkAccess(null, null, null);

  public static ZkAccess none() {
    return NONE;
  }

  /** Whether this client authenticates at all. */
  public boolean authenticates() {
    return sasl != null || digest != null;
  }

  /** The {@code auth} and {@code acl} keys; either may be absent. */
  @JsonCreator
  static ZkAccess read(@JsonProperty("auth") Auth auth, @JsonProperty("acl") Acl acl) {
    return new ZkAccess(
        auth == null ? null : auth.sasl(), auth == null ? null : auth.digest(), acl);
  }

  /** The {@code auth} mapping: {@code sasl}, {@code digest}, or both. */
  record Auth(Sasl sasl, Digest digest) {

    @JsonCreator
    static Auth read(@JsonProperty("sasl") Sasl sasl, @JsonProperty("digest") Digest digest) {
      if (sasl == null && digest == null) {
        throw new ConfigException("", "give sasl, digest or both");
      }
      return new Auth(sasl, digest);
    }
  }

  /**
   * SASL through JAAS. The JAAS configuration is one per JVM ({@code
   * java.security.auth.login.config}): {@code jaasFile} sets it when the JVM has none, and must
   * name the same file when it has one.
   *
   * @param loginContext the JAAS section this client logs in with
   * @param jaasFile the JAAS file, or {@code null}: the one the JVM was started with
   * @param serverPrincipal the first part of the server's Kerberos principal ({@code zookeeper} by
   *     default), or {@code null}
   */
  public record Sasl(String loginContext, Path jaasFile, String serverPrincipal) {

    private static final Pattern SECTION = Pattern.compile("[A-Za-z0-9_.-]+");

    /** {@code loginContext} (required), {@code jaasFile} and {@code serverPrincipal}. */
    @JsonCreator
    static Sasl read(
        @JsonProperty("loginContext") String loginContext,
        @JsonProperty("jaasFile") String jaasFile,
        @JsonProperty("serverPrincipal") String serverPrincipal) {
      String section = loginContext == null ? "" : loginContext.strip();
      if (section.isEmpty()) {
        throw new ConfigException(
            "loginContext", "is required: the JAAS section this client logs in with");
      }
      if (!SECTION.matcher(section).matches()) {
        throw new ConfigException(
            "loginContext",
            "must be the name of a JAAS section ([A-Za-z0-9_.-]+), got "
                + ConfigChecks.quote(section));
      }
      Path file = jaasFile == null ? null : readableFile("jaasFile", jaasFile);
      Path used = jaasFileInUse(file);
      if (!hasSection(used, section)) {
        throw new ConfigException(
            "loginContext", "the JAAS file " + used + " has no section " + section);
      }
      String principal =
          serverPrincipal == null || serverPrincipal.isBlank() ? null : serverPrincipal.strip();
      return new Sasl(section, file, principal);
    }
  }

  /**
   * The JAAS file this JVM logs in with: the one it was started with ({@value #JAAS_PROPERTY}),
   * else {@code given}, which then becomes the JVM's when the first client is built. One JVM has
   * one JAAS configuration, so a second, different file is refused rather than ignored.
   */
  private static Path jaasFileInUse(Path given) {
    String current = System.getProperty(JAAS_PROPERTY);
    if (current == null || current.isBlank()) {
      if (given == null) {
        throw new ConfigException(
            "jaasFile",
            "is required: this JVM has no JAAS file (-D" + JAAS_PROPERTY + "=FILE) to log in with");
      }
      return given;
    }
    Path inUse = Path.of(current.strip());
    if (given != null && !sameFile(inUse, given)) {
      throw new ConfigException(
          "jaasFile",
          given
              + " differs from the JAAS file this JVM was started with ("
              + inUse
              + ", -D"
              + JAAS_PROPERTY
              + "); a JVM has one JAAS configuration: give one file holding every section");
    }
    return inUse;
  }

  private static boolean sameFile(Path a, Path b) {
    try {
      return Files.isSameFile(a, b);
    } catch (IOException e) {
      return a.toAbsolutePath().normalize().equals(b.toAbsolutePath().normalize());
    }
  }

  /**
   * Whether {@code file} has the section {@code name}, read apart from the JVM's own JAAS
   * configuration, which stays untouched while the config is checked. The parser's message is not
   * repeated: it may quote a password of the file.
   */
  private static boolean hasSection(Path file, String name) {
    if (!Files.isReadable(file)) {
      throw new ConfigException("jaasFile", "cannot read the JAAS file " + file);
    }
    try {
      javax.security.auth.login.Configuration jaas =
          javax.security.auth.login.Configuration.getInstance(
              "JavaLoginConfig", new URIParameter(file.toUri()));
      return jaas.getAppConfigurationEntry(name) != null;
    } catch (NoSuchAlgorithmException | RuntimeException e) {
      throw new ConfigException("jaasFile", file + " is not a valid JAAS configuration file");
    }
  }

  /**
   * Digest credentials, sent as {@code addauth digest user:password} on every connection.
   *
   * @param user the digest user
   * @param password read from {@code passwordFile} or {@code passwordEnv}; never shown
   * @param passwordSource where the password came from, for messages: {@code passwordFile
   *     /run/secrets/x} or {@code passwordEnv ZK_PASSWORD}
   */
  public record Digest(String user, String password, String passwordSource) {

    /** The bytes Curator's {@code authorization("digest", …)} takes. */
    public byte[] credentials() {
      return (user + ":" + password).getBytes(StandardCharsets.UTF_8);
    }

    @Override
    public String toString() {
      return "Digest[user=" + user + ", password=(from " + passwordSource + ")]";
    }

    /** {@code user} and one of {@code passwordFile} and {@code passwordEnv}. */
    @JsonCreator
    static Digest read(
        @JsonProperty("user") String user,
        @JsonProperty("passwordFile") String passwordFile,
        @JsonProperty("passwordEnv") String passwordEnv,
        @JacksonInject(value = YamlBinding.ENVIRONMENT, useInput = OptBoolean.FALSE)
            Function<String, String> environment) {
      String name = user == null ? "" : user.strip();
      if (name.isEmpty() || name.contains(":") || name.chars().anyMatch(Character::isWhitespace)) {
        throw new ConfigException("user", "must be a user name without ':' or blanks");
      }
      if ((passwordFile == null) == (passwordEnv == null)) {
        throw new ConfigException(
            passwordFile == null ? "passwordFile" : "passwordEnv",
            "give one of passwordFile and passwordEnv");
      }
      if (passwordFile != null) {
        Path file = readableFile("passwordFile", passwordFile);
        return new Digest(name, password(file), "passwordFile " + file);
      }
      String variable = passwordEnv.strip();
      return new Digest(
          name,
          ReceiverChecks.secret("passwordEnv", variable, environment),
          "passwordEnv " + variable);
    }

    /** The file's text without its line end; never shown in a message. */
    private static String password(Path file) {
      String text;
      try {
        text = Files.readString(file, StandardCharsets.UTF_8);
      } catch (IOException e) {
        throw new ConfigException("passwordFile", "cannot read " + file + ": " + reason(e));
      }
      String password = text.replaceFirst("\\R\\z", "");
      if (password.isBlank()) {
        throw new ConfigException("passwordFile", file + " is empty");
      }
      if (password.lines().count() > 1) {
        throw new ConfigException(
            "passwordFile", file + " must hold the password alone, on one line");
      }
      return password;
    }
  }

  /**
   * The ZooKeeper ids of each role. Every znode the tools create gets the ACL its path calls for
   * (see {@code protocol.ZkAcls}), whichever tool creates it, so every client must be given the
   * same three lists.
   */
  public record Acl(List<Id> monitors, List<Id> agents, List<Id> operators) {

    /** A SHA-1 digest in base64, as ZooKeeper's digest ids carry it. */
    private static final Pattern DIGEST_HASH = Pattern.compile("[A-Za-z0-9+/]{27}=");

    private static final Pattern SCHEME = Pattern.compile("[a-z0-9]+");

    public Acl {
      monitors = List.copyOf(monitors);
      agents = List.copyOf(agents);
      operators = List.copyOf(operators);
    }

    /** {@code monitors}, {@code agents} and {@code operators}: each a non-empty list of ids. */
    @JsonCreator
    static Acl read(
        @JsonProperty("monitors") List<String> monitors,
        @JsonProperty("agents") List<String> agents,
        @JsonProperty("operators") List<String> operators) {
      return new Acl(ids("monitors", monitors), ids("agents", agents), ids("operators", operators));
    }

    private static List<Id> ids(String key, List<String> given) {
      if (given == null || given.isEmpty()) {
        throw new ConfigException(
            key, "must list at least one id, like \"sasl:" + role(key) + "\"");
      }
      List<Id> ids = new ArrayList<>();
      for (int i = 0; i < given.size(); i++) {
        ids.add(id(key + "[" + i + "]", given.get(i)));
      }
      return ids;
    }

    private static String role(String key) {
      return key.substring(0, key.length() - 1);
    }

    /**
     * One {@code scheme:id}. Messages never repeat a digest id's text: a password written there by
     * mistake must not reach a log.
     */
    static Id id(String key, String text) {
      String value = text.strip();
      int colon = value.indexOf(':');
      if (colon <= 0 || colon == value.length() - 1) {
        throw new ConfigException(
            key, "must be scheme:id, like sasl:monitor or digest:monitor:HASH");
      }
      String scheme = value.substring(0, colon).toLowerCase(Locale.ROOT);
      String id = value.substring(colon + 1);
      if (!SCHEME.matcher(scheme).matches()) {
        throw new ConfigException(key, "must be scheme:id, like sasl:monitor");
      }
      switch (scheme) {
        case "world", "auth" ->
            throw new ConfigException(
                key,
                "the "
                    + scheme
                    + " scheme does not name one identity; give sasl:, digest:, x509: or ip: ids");
        case "digest" -> {
          int hash = id.lastIndexOf(':');
          if (hash <= 0 || !DIGEST_HASH.matcher(id.substring(hash + 1)).matches()) {
            throw new ConfigException(
                key,
                "must be digest:USER:HASH, HASH being the base64 SHA-1 of USER:PASSWORD"
                    + " (ZooKeeper's DigestAuthenticationProvider.generateDigest), never the"
                    + " password");
          }
        }
        default -> {
          if (id.chars().anyMatch(Character::isWhitespace)) {
            throw new ConfigException(key, "must be scheme:id without blanks");
          }
        }
      }
      return new Id(scheme, id);
    }
  }

  private static Path readableFile(String key, String value) {
    if (value.isBlank()) {
      throw new ConfigException(key, "must be a file path, got an empty value");
    }
    Path file;
    try {
      file = Path.of(value.strip());
    } catch (InvalidPathException e) {
      throw new ConfigException(
          key, ConfigChecks.quote(value) + " is not a valid path: " + e.getReason());
    }
    if (!Files.isRegularFile(file)) {
      throw new ConfigException(key, "no such file: " + file);
    }
    if (!Files.isReadable(file)) {
      throw new ConfigException(key, "cannot read " + file + ": permission denied");
    }
    return file;
  }

  private static String reason(IOException e) {
    if (e instanceof NoSuchFileException) {
      return "no such file";
    }
    if (e instanceof AccessDeniedException) {
      return "permission denied";
    }
    return e.getClass().getSimpleName();
  }
}
