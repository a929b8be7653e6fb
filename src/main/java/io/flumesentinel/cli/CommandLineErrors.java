package io.flumesentinel.cli;

import io.flumesentinel.config.ConfigException;
import java.io.PrintWriter;
import org.apache.zookeeper.KeeperException;
import org.slf4j.LoggerFactory;
import picocli.CommandLine;
import picocli.CommandLine.IExecutionExceptionHandler;
import picocli.CommandLine.IParameterExceptionHandler;
import picocli.CommandLine.Model.OptionSpec;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.ParseResult;
import picocli.CommandLine.UnmatchedArgumentException;

/**
 * Turns every failure into exactly one line on stderr and an exit status: 2 for a usage or config
 * error (no stack trace: the line says what to fix), 1 for a failure at run time (whose stack trace
 * goes to the log, not to stderr) and for a ZooKeeper that cannot be reached or refuses the
 * command's identity (no stack trace: the line names the ensemble, or the znode).
 */
public final class CommandLineErrors
    implements IParameterExceptionHandler, IExecutionExceptionHandler {

  static final int USAGE = 2;
  static final int RUNTIME = 1;

  private static final String PREFIX = "flume-sentinel: ";

  @Override
  public int handleParseException(ParameterException ex, String[] args) {
    CommandLine command = ex.getCommandLine();
    // picocli words a converter's failure "Invalid value for option '--x': ..."; the duration
    // converter's own message is complete and reads as every other: "--x: ...".
    String message =
        ex.getCause() instanceof DurationConverter.Invalid invalid
                && ex.getArgSpec() instanceof OptionSpec option
            ? option.longestName() + ": " + invalid.getMessage()
            : ex.getMessage();
    StringBuilder line = new StringBuilder(PREFIX).append("usage error: ").append(oneLine(message));
    if (ex instanceof UnmatchedArgumentException unmatched
        && !unmatched.getSuggestions().isEmpty()) {
      line.append(" (did you mean ")
          .append(String.join(" or ", unmatched.getSuggestions()))
          .append("?)");
    }
    line.append("; see '").append(command.getCommandSpec().qualifiedName()).append(" --help'");
    print(command.getErr(), line.toString());
    return USAGE;
  }

  @Override
  public int handleExecutionException(Exception ex, CommandLine command, ParseResult parseResult) {
    if (ex instanceof ConfigException) {
      print(command.getErr(), PREFIX + "config error: " + oneLine(ex.getMessage()));
      return USAGE;
    }
    if (ex instanceof CommandZooKeeper.Unreachable) {
      print(command.getErr(), PREFIX + oneLine(ex.getMessage()));
      return RUNTIME;
    }
    if (ex instanceof KeeperException.NoAuthException refused) {
      // Not a fault of the program: the identity lacks the right, which the line says.
      print(
          command.getErr(),
          PREFIX
              + "ZooKeeper refused "
              + refused.getPath()
              + " to this identity (NoAuth): check --zk-auth (who this command logs in as) and"
              + " the acl roles (see docs/security.md)");
      return RUNTIME;
    }
    if (ex instanceof KeeperException.AuthFailedException
        || ex instanceof KeeperException.SessionClosedRequireAuthException) {
      print(
          command.getErr(),
          PREFIX
              + "ZooKeeper refused this command's login ("
              + ((KeeperException) ex).code()
              + "): check the credentials --zk-auth names (see docs/security.md)");
      return RUNTIME;
    }
    LoggerFactory.getLogger(CommandLineErrors.class)
        .error("{} failed", command.getCommandSpec().qualifiedName(), ex);
    String reason = ex.getMessage() == null ? ex.getClass().getName() : oneLine(ex.getMessage());
    print(command.getErr(), PREFIX + command.getCommandName() + " failed: " + reason);
    return RUNTIME;
  }

  private static void print(PrintWriter err, String line) {
    err.println(line);
    err.flush();
  }

  /** Messages from libraries may span lines; the contract is one line. */
  private static String oneLine(String message) {
    return message == null ? "" : message.strip().replaceAll("\\s*\\R\\s*", "; ");
  }
}
