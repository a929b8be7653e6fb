package io.flumesentinel;

import io.flumesentinel.cli.AckCommand;
import io.flumesentinel.cli.AgentsCommand;
import io.flumesentinel.cli.AlertsCommand;
import io.flumesentinel.cli.CommandLineErrors;
import io.flumesentinel.cli.DeregisterCommand;
import io.flumesentinel.cli.Logging;
import io.flumesentinel.cli.ManifestVersion;
import io.flumesentinel.cli.MonitorBootstrap;
import io.flumesentinel.cli.MonitorCommand;
import io.flumesentinel.cli.MonitorLauncher;
import io.flumesentinel.cli.SilenceCommand;
import io.flumesentinel.cli.SuperviseCommand;
import io.flumesentinel.cli.SupervisorBootstrap;
import io.flumesentinel.cli.SupervisorLauncher;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/**
 * The {@code flume-sentinel} command line and the main class of the jar.
 *
 * <p>Exit status: 0 when the command succeeded (for {@code monitor}: the service was launched and
 * keeps the JVM alive), 2 for a usage or config error, 1 for a failure at run time. Every error is
 * exactly one line on stderr. Subcommands are added in {@link #commandLine}.
 */
@Command(
    name = "flume-sentinel",
    mixinStandardHelpOptions = true,
    versionProvider = ManifestVersion.class,
    usageHelpAutoWidth = true,
    description =
        "Alerts operators when an Apache Flume agent dies, and stays silent when it is stopped on purpose.")
public final class FlumeSentinel implements Runnable {

  @Spec private CommandSpec spec;

  public static void main(String[] args) {
    // Must happen before any Vert.x class is loaded, or Vert.x picks its own logging backend.
    if (System.getProperty("vertx.logger-delegate-factory-class-name") == null) {
      System.setProperty(
          "vertx.logger-delegate-factory-class-name",
          "io.vertx.core.logging.SLF4JLogDelegateFactory");
    }
    int status;
    try {
      status = commandLine(new MonitorBootstrap(), new SupervisorBootstrap()).execute(args);
    } catch (Throwable fatal) {
      // An Error escaping start-up (a missing class, no memory) must not leave a
      // half-started JVM behind.
      System.err.println("flume-sentinel: " + fatal);
      status = 1;
    }
    // On success the launched service's threads keep running; exiting here would stop it.
    if (status != 0) {
      Logging.flush();
      System.exit(status);
    }
  }

  /**
   * The full command tree with one-line error handling, launching the monitor with {@code
   * launcher}.
   */
  public static CommandLine commandLine(MonitorLauncher launcher) {
    return commandLine(launcher, new SupervisorBootstrap());
  }

  /** The full command tree, with the given monitor and supervisor launchers. */
  public static CommandLine commandLine(MonitorLauncher launcher, SupervisorLauncher supervisor) {
    CommandLine commandLine = new CommandLine(new FlumeSentinel());
    commandLine.addSubcommand(new MonitorCommand(launcher));
    commandLine.addSubcommand(new SuperviseCommand(supervisor));
    commandLine.addSubcommand(new DeregisterCommand());
    commandLine.addSubcommand(new SilenceCommand());
    commandLine.addSubcommand(new AgentsCommand());
    commandLine.addSubcommand(new AlertsCommand());
    commandLine.addSubcommand(new AckCommand());
    // Set after the subcommands are added: picocli copies these settings to the
    // commands present now.
    CommandLineErrors errors = new CommandLineErrors();
    commandLine.setParameterExceptionHandler(errors);
    commandLine.setExecutionExceptionHandler(errors);
    return commandLine;
  }

  @Override
  public void run() {
    throw new ParameterException(
        spec.commandLine(),
        "a command is required: " + String.join(", ", spec.subcommands().keySet()));
  }
}
