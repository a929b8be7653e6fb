package io.flumesentinel.silence;

/**
 * A silence read from ZooKeeper that breaks the {@link SilenceRules}: it mutes nothing, and is
 * listed as invalid with its problem.
 *
 * @param problem one line, bounded, saying which rule it breaks
 */
public record InvalidSilence(Silence silence, String problem) {

  /** The state lists show for it, in place of active, pending or expired. */
  public static final String STATE = "invalid";
}
