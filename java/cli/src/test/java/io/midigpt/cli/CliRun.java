package io.midigpt.cli;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;
import picocli.CommandLine;

/**
 * One in-process run of the command line, as the ./midigpt launcher makes it, with what it
 * printed.
 */
record CliRun(int exitCode, String out, String err) {
  /** The shared reference folder (fixtures, MIDI files, the tiny model). */
  static final Path SHARED = Path.of(System.getProperty("midigpt.shared", "../../../shared"));

  static CliRun of(String... args) {
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    CommandLine commandLine = Main.commandLine();
    commandLine.setOut(new PrintWriter(out));
    commandLine.setErr(new PrintWriter(err));
    int exitCode = commandLine.execute(args);
    return new CliRun(exitCode, out.toString(), err.toString());
  }
}
