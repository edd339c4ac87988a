package io.himoe.server.cli;

import io.himoe.server.assembly.ExpertKinds;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.IVersionProvider;
import picocli.CommandLine.ParentCommand;

/** {@code himoe version}: the version, the Java runtime and the expert kinds of this build. */
@Command(
    name = "version",
    mixinStandardHelpOptions = true,
    description = "Print the version, the Java runtime and the expert kinds of this build.")
final class VersionCommand implements Callable<Integer> {

  @ParentCommand Cli cli;

  static String version() {
    String v = VersionCommand.class.getPackage().getImplementationVersion();
    return v != null ? v : "0.1.0-SNAPSHOT";
  }

  @Override
  public Integer call() {
    cli.out().println("himoe " + version());
    cli.out()
        .println(
            "java "
                + Runtime.version()
                + " ("
                + System.getProperty("java.vendor", "unknown vendor")
                + ")");
    cli.out().println("expert kinds: " + String.join(", ", ExpertKinds.names()));
    return ExitCodes.OK;
  }

  /** Supplies {@code --version}. */
  static final class Provider implements IVersionProvider {
    @Override
    public String[] getVersion() {
      return new String[] {"himoe " + version()};
    }
  }
}
