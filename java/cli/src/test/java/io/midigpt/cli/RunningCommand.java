package io.midigpt.cli;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import picocli.CommandLine;

/**
 * A serving command (serve-http, studio, serve-osc) run on its own thread, as from a terminal:
 * its output is read until it says where it listens, and interrupting the thread stands for
 * Ctrl-C.
 */
final class RunningCommand {
  private final StringWriter out = new StringWriter();
  private final StringWriter err = new StringWriter();
  private final AtomicInteger exitCode = new AtomicInteger(-1);
  private final Thread thread;

  private RunningCommand(String... args) {
    CommandLine commandLine = Main.commandLine();
    commandLine.setOut(new PrintWriter(out));
    commandLine.setErr(new PrintWriter(err));
    thread = new Thread(() -> exitCode.set(commandLine.execute(args)));
    thread.start();
  }

  static RunningCommand start(String... args) {
    return new RunningCommand(args);
  }

  /** The first group of {@code pattern} once the command has printed it (30 s at most). */
  String awaitOutput(String pattern) throws InterruptedException {
    Pattern wanted = Pattern.compile(pattern);
    Matcher matcher = wanted.matcher("");
    for (int i = 0; i < 600 && !matcher.find(); i++) {
      Thread.sleep(50);
      matcher = wanted.matcher(out.toString());
    }
    assertTrue(matcher.find(0), "no '" + pattern + "' in the output: " + out + err);
    return matcher.group(1);
  }

  /** Interrupts the command as Ctrl-C would and returns its exit code. */
  int stop() throws InterruptedException {
    thread.interrupt();
    thread.join(30_000);
    return exitCode.get();
  }

  String err() {
    return err.toString();
  }
}
