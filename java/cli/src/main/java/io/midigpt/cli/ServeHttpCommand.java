package io.midigpt.cli;

import java.io.PrintWriter;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/** Serves the midigpt-http API until Ctrl-C (or until its thread is interrupted). */
@Command(
    name = "serve-http",
    mixinStandardHelpOptions = true,
    description = {
      "Serves the midigpt-http API (health, info, generate with streaming and cancel, MIDI in and"
          + " out, /openapi.json and /docs) over one loaded model.",
      "Log level: MIDIGPT_LOG_LEVEL=debug|info|warn|error (default info)."
    })
final class ServeHttpCommand implements Callable<Integer> {
  @Spec CommandSpec spec;

  @Mixin ModelOption model;

  @Mixin HttpServing serving;

  @Override
  public Integer call() {
    PrintWriter out = spec.commandLine().getOut();
    serving.serve(model, serving.settings(model.label()), port -> {
      out.printf("midigpt: serving %s on http://%s:%d (docs: /docs; Ctrl-C stops)%n",
          model.label(), serving.host, port);
      out.flush();
    });
    return 0;
  }
}
