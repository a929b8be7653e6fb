package io.flumesentinel.config;

import java.io.IOException;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.StandardCharsets;
import java.nio.file.AccessDeniedException;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.function.Function;

/**
 * The files and secrets the {@code http} section names: key material, a password, the tokens. Every
 * problem is a {@link ConfigException} naming the key; no message ever holds what a file or
 * variable contains, only its name.
 */
final class HttpFiles {

  /** Files this section reads are a few KB; anything larger is not what the key asks for. */
  private static final long MAX_BYTES = 1 << 20;

  private static final java.util.regex.Pattern UPPER_CASE =
      java.util.regex.Pattern.compile("[A-Z_][A-Z0-9_]*");

  private HttpFiles() {}

  /** {@code value} as a path to a readable regular file, or a problem naming {@code key}. */
  static Path readable(String key, String value) {
    String written = value == null ? "" : value.strip();
    if (written.isEmpty()) {
      throw new ConfigException(key, "must be the path of a file");
    }
    Path path;
    try {
      path = Path.of(written);
    } catch (InvalidPathException e) {
      throw new ConfigException(key, ConfigChecks.quote(written) + " is not a valid path");
    }
    if (!Files.exists(path)) {
      throw new ConfigException(key, "file not found: " + ConfigChecks.quote(written));
    }
    if (!Files.isRegularFile(path)) {
      throw new ConfigException(key, ConfigChecks.quote(written) + " is not a regular file");
    }
    if (!Files.isReadable(path)) {
      throw new ConfigException(
          key, "cannot read " + ConfigChecks.quote(written) + ": permission denied");
    }
    return path;
  }

  /** The bytes of the file named under {@code key}. */
  static byte[] bytes(String key, Path path) {
    try {
      if (Files.size(path) > MAX_BYTES) {
        throw new ConfigException(
            key, ConfigChecks.quote(path.toString()) + " is larger than " + MAX_BYTES + " bytes");
      }
      return Files.readAllBytes(path);
    } catch (NoSuchFileException e) {
      throw new ConfigException(key, "file not found: " + ConfigChecks.quote(path.toString()));
    } catch (AccessDeniedException e) {
      throw new ConfigException(
          key, "cannot read " + ConfigChecks.quote(path.toString()) + ": permission denied");
    } catch (IOException e) {
      throw new ConfigException(
          key,
          "cannot read " + ConfigChecks.quote(path.toString()) + ": " + e.getClass().getName());
    }
  }

  /** The UTF-8 text of the file named under {@code key}. */
  static String text(String key, Path path) {
    try {
      return StandardCharsets.UTF_8
          .newDecoder()
          .decode(java.nio.ByteBuffer.wrap(bytes(key, path)))
          .toString();
    } catch (CharacterCodingException e) {
      throw new ConfigException(key, ConfigChecks.quote(path.toString()) + " is not UTF-8 text");
    }
  }

  /**
   * The secret in the environment variable {@code name}, given under {@code key}. When no such
   * variable is set, a name in the conventional upper case is shown in the message; any other may
   * be the secret itself, written where its variable's name belongs, and is not.
   */
  static String fromEnvironment(String key, String name, Function<String, String> environment) {
    if (ReceiverChecks.ENV_NAME.matcher(name).matches()
        && environment.apply(name) == null
        && !UPPER_CASE.matcher(name).matches()) {
      throw new ConfigException(
          key,
          "no environment variable of that name is set; give the NAME of the variable holding the"
              + " secret, never the secret itself");
    }
    return ReceiverChecks.secret(key, name, environment);
  }

  /**
   * A secret given either as the name of an environment variable ({@code envKey}) or as the path of
   * a file whose first line is the secret ({@code fileKey}), never as itself; {@code null} when
   * neither is given.
   */
  static String secret(
      String envKey,
      String variable,
      String fileKey,
      String file,
      Function<String, String> environment) {
    String name = ReceiverChecks.stripped(variable);
    String path = ReceiverChecks.stripped(file);
    if (!name.isEmpty() && !path.isEmpty()) {
      throw new ConfigException(envKey, "give " + envKey + " or " + fileKey + ", not both");
    }
    if (!name.isEmpty()) {
      return fromEnvironment(envKey, name, environment);
    }
    if (path.isEmpty()) {
      return null;
    }
    // The first line, as for zookeeper.tls: what a hand-written or mounted secret file holds.
    String secret = text(fileKey, readable(fileKey, path)).lines().findFirst().orElse("");
    if (secret.isEmpty()) {
      throw new ConfigException(fileKey, ConfigChecks.quote(path) + " is empty");
    }
    return secret;
  }
}
