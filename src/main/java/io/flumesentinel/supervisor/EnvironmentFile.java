package io.flumesentinel.supervisor;

import io.flumesentinel.config.ConfigException;
import java.io.IOException;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * Environment variables for the agent from a file, as systemd's {@code EnvironmentFile=} reads
 * them: one {@code NAME=VALUE} a line; blank lines and lines starting with {@code #} or {@code ;}
 * are ignored; {@code export } before a name is allowed (so a file sourced by a shell works too); a
 * value may be quoted, {@code '...'} as written, {@code "..."} with {@code \"}, {@code \\}, {@code
 * \$} and {@code \`} escapes; an unquoted value is taken as written, without the white space around
 * it. No variable is expanded. Any other line is an error naming the file and the line, never the
 * value (it may be a secret). Read once, when the supervisor starts.
 */
public final class EnvironmentFile {

  /** The largest file read. */
  static final long MAX_BYTES = 1024 * 1024;

  private static final Pattern NAME = Pattern.compile("[A-Za-z_][A-Za-z0-9_]*");

  private EnvironmentFile() {}

  /**
   * The variables of {@code file}, in the order written (a later line wins).
   *
   * @param key the configuration key that named the file, for errors
   * @throws ConfigException naming {@code key}, the file and the line
   */
  public static Map<String, String> read(Path file, String key) {
    List<String> lines;
    try {
      if (Files.size(file) > MAX_BYTES) {
        throw new ConfigException(key, file + " is larger than " + MAX_BYTES + " bytes");
      }
      lines = Files.readAllLines(file, StandardCharsets.UTF_8);
    } catch (NoSuchFileException e) {
      throw new ConfigException(key, "no such file: " + file);
    } catch (CharacterCodingException e) {
      throw new ConfigException(key, file + " is not UTF-8 text");
    } catch (IOException e) {
      throw new ConfigException(key, "cannot read " + file + ": " + e.getMessage());
    }
    Map<String, String> variables = new LinkedHashMap<>();
    for (int i = 0; i < lines.size(); i++) {
      String line = lines.get(i).strip();
      if (line.isEmpty() || line.startsWith("#") || line.startsWith(";")) {
        continue;
      }
      String where = file + " line " + (i + 1);
      if (line.startsWith("export ")) {
        line = line.substring("export ".length()).stripLeading();
      }
      int eq = line.indexOf('=');
      if (eq < 0) {
        throw new ConfigException(key, where + ": not NAME=VALUE");
      }
      String name = line.substring(0, eq).strip();
      if (!NAME.matcher(name).matches()) {
        throw new ConfigException(
            key, where + ": '" + shown(name) + "' is not a variable name ([A-Za-z_][A-Za-z0-9_]*)");
      }
      variables.put(name, value(line.substring(eq + 1).strip(), key, where + " (" + name + ")"));
    }
    return variables;
  }

  private static String value(String raw, String key, String where) {
    if (raw.isEmpty() || (raw.charAt(0) != '"' && raw.charAt(0) != '\'')) {
      return raw;
    }
    char quote = raw.charAt(0);
    StringBuilder value = new StringBuilder();
    int i = 1;
    for (; i < raw.length(); i++) {
      char c = raw.charAt(i);
      if (c == quote) {
        break;
      }
      if (quote == '"' && c == '\\' && i + 1 < raw.length()) {
        char next = raw.charAt(i + 1);
        if (next == '"' || next == '\\' || next == '$' || next == '`') {
          value.append(next);
          i++;
          continue;
        }
      }
      value.append(c);
    }
    if (i >= raw.length()) {
      throw new ConfigException(key, where + ": the quoted value has no closing " + quote);
    }
    String rest = raw.substring(i + 1).strip();
    if (!rest.isEmpty() && !rest.startsWith("#")) {
      throw new ConfigException(key, where + ": text after the closing quote");
    }
    return value.toString();
  }

  /** A name as shown in an error: short, one line. */
  private static String shown(String name) {
    String line = name.replaceAll("\\p{Cntrl}", "?");
    return line.length() > 64 ? line.substring(0, 64) + "…" : line;
  }
}
