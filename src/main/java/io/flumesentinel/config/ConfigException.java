package io.flumesentinel.config;

/** A configuration problem: {@link #getMessage()} is one line naming the key and what is wrong. */
public final class ConfigException extends RuntimeException {

  private final String key;

  public ConfigException(String key, String problem) {
    super(key + ": " + problem);
    this.key = key;
  }

  public String key() {
    return key;
  }
}
