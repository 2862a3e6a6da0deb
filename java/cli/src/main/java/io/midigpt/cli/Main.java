package io.midigpt.cli;

import io.midigpt.MidigptException;
import java.io.PrintWriter;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/** The {@code midigpt} command line. */
@Command(
    name = "midigpt",
    mixinStandardHelpOptions = true,
    versionProvider = Main.Version.class,
    description = "Multitrack MIDI composition with MIDI-GPT models.",
    subcommands = {
      GenerateCommand.class,
      InfillCommand.class,
      AttributesCommand.class,
      TokenizeCommand.class,
      DetokenizeCommand.class,
      InspectCommand.class,
      ServeHttpCommand.class,
      ServeOscCommand.class,
      StudioCommand.class,
      BenchCommand.class,
      PreprocessCommand.class,
      TrainCommand.class,
      EvalCommand.class,
      PlotCommand.class,
      ExportCommand.class,
      CommandLine.HelpCommand.class
    })
public final class Main {
  public static void main(String[] args) {
    System.exit(commandLine().execute(args));
  }

  /** The configured command line, also used by tests. */
  public static CommandLine commandLine() {
    CommandLine commandLine = new CommandLine(new Main());
    commandLine.setExecutionExceptionHandler(Main::reportError);
    return commandLine;
  }

  /** Domain errors are the user's input: one clear line, no stack trace. */
  private static int reportError(
      Exception error, CommandLine commandLine, CommandLine.ParseResult parseResult) {
    PrintWriter err = commandLine.getErr();
    if (error instanceof MidigptException || error instanceof java.io.UncheckedIOException) {
      err.println("midigpt: " + error.getMessage());
      err.flush();
      return 1;
    }
    err.println("midigpt: internal error: " + error);
    error.printStackTrace(err);
    err.flush();
    return 70;
  }

  static final class Version implements CommandLine.IVersionProvider {
    @Override
    public String[] getVersion() {
      String version = Main.class.getPackage().getImplementationVersion();
      return new String[] {"midigpt " + (version == null ? "(development build)" : version)};
    }
  }
}
