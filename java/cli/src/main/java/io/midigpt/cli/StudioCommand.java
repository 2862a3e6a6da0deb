package io.midigpt.cli;

import java.io.IOException;
import java.io.PrintWriter;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** The HTTP server with the browser studio at {@code /}, until Ctrl-C. */
@Command(
    name = "studio",
    mixinStandardHelpOptions = true,
    description = {
      "Opens the browser studio: the midigpt-http server with a page at / to load a MIDI file or"
          + " start an empty score, select bars, infill or generate them with the loaded model's"
          + " controls, listen, and download the result. Everything is served from this program:"
          + " no internet needed.",
      "Log level: MIDIGPT_LOG_LEVEL=debug|info|warn|error (default info)."
    })
final class StudioCommand implements Callable<Integer> {
  @Spec CommandSpec spec;

  @Mixin ModelOption model;

  @Mixin HttpServing serving;

  @Option(names = "--open", description = "Open the studio in the system's web browser.")
  boolean open;

  @Override
  public Integer call() {
    PrintWriter out = spec.commandLine().getOut();
    serving.serve(model, serving.settings(model.label()).withStudio(true), port -> {
      String url = "http://" + serving.browsableHost() + ":" + port + "/";
      out.printf("midigpt: studio for %s at %s (API docs: %sdocs; Ctrl-C stops)%n",
          model.label(), url, url);
      out.flush();
      if (open) {
        openBrowser(url, spec.commandLine().getErr());
      }
    });
    return 0;
  }

  /** The platform's own opener: the launcher runs Java headless, so java.awt.Desktop is out. */
  private static void openBrowser(String url, PrintWriter err) {
    String os = System.getProperty("os.name", "").toLowerCase(Locale.ROOT);
    List<String> command = os.contains("win") ? List.of("rundll32", "url.dll,FileProtocolHandler", url)
        : os.contains("mac") ? List.of("open", url)
        : List.of("xdg-open", url);
    try {
      new ProcessBuilder(command).redirectErrorStream(true)
          .redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
    } catch (IOException e) {
      err.println("midigpt: could not open a browser (" + e.getMessage() + "); open " + url);
      err.flush();
    }
  }
}
