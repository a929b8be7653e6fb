package io.flumesentinel.config;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonProperty;

/**
 * Annotations added to every alert sent.
 *
 * @param runbookUrl the {@code runbook_url} of alerts whose route and receiver set none; {@code
 *     null}: none
 */
public record AnnotationsConfig(RunbookTemplate runbookUrl) {

  public static AnnotationsConfig none() {
    return new AnnotationsConfig(null);
  }

  /** The {@code annotations} section: {@code runbookUrl}. */
  @JsonCreator
  static AnnotationsConfig read(@JsonProperty("runbookUrl") String runbookUrl) {
    return new AnnotationsConfig(
        runbookUrl == null || runbookUrl.isBlank()
            ? null
            : RunbookTemplate.read("runbookUrl", runbookUrl));
  }
}
