package io.midigpt.cli;

import io.midigpt.engine.InferenceEngine;
import io.midigpt.server.http.HttpServer;
import io.midigpt.server.http.HttpServerSettings;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
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

  @Option(names = "--host", defaultValue = HttpServerSettings.DEFAULT_HOST, paramLabel = "HOST",
      description = "Interface to listen on; 0.0.0.0 serves the LAN (default: ${DEFAULT-VALUE}).")
  String host;

  @Option(names = "--port", defaultValue = "" + HttpServerSettings.DEFAULT_PORT, paramLabel = "N",
      description = "TCP port; 0 picks a free one (default: ${DEFAULT-VALUE}; the REAPER scripts"
          + " use 3456).")
  int port;

  @Option(names = "--max-queue", defaultValue = "" + HttpServerSettings.DEFAULT_MAX_QUEUE,
      paramLabel = "N", description = "Generations that may wait while one runs; more get 503"
          + " (default: ${DEFAULT-VALUE}).")
  int maxQueue;

  @Option(names = "--timeout", defaultValue = "600", paramLabel = "SECONDS",
      description = "A generation running longer is cancelled and returns its partial result"
          + " (default: ${DEFAULT-VALUE}).")
  long timeoutSeconds;

  @Option(names = "--failure-log", paramLabel = "FILE.jsonl",
      description = "Append every failed generation (request and error) to this file.")
  Path failureLog;

  @Override
  public Integer call() throws Exception {
    ServerLogging.configure(System.getenv("MIDIGPT_LOG_LEVEL"));
    PrintWriter out = spec.commandLine().getOut();
    boolean interrupted = false;
    try (InferenceEngine engine = model.open();
        HttpServer server = HttpServer.start(engine, settings())) {
      Thread hook = new Thread(server::close, "midigpt-http-shutdown");
      Runtime.getRuntime().addShutdownHook(hook);
      out.printf("midigpt: serving %s on http://%s:%d (docs: /docs; Ctrl-C stops)%n",
          model.label(), host, server.port());
      out.flush();
      try {
        server.awaitClose();
      } catch (InterruptedException e) {
        // Closing waits for the server threads: keep the flag off until it has.
        interrupted = true;
      } finally {
        removeHook(hook);
      }
    }
    if (interrupted) {
      Thread.currentThread().interrupt();
    }
    return 0;
  }

  HttpServerSettings settings() {
    return HttpServerSettings.defaults(model.label())
        .withHost(host)
        .withPort(port)
        .withMaxQueue(maxQueue)
        .withGenerationTimeout(Duration.ofSeconds(timeoutSeconds))
        .withFailureLog(failureLog);
  }

  private static void removeHook(Thread hook) {
    try {
      Runtime.getRuntime().removeShutdownHook(hook);
    } catch (IllegalStateException shuttingDown) {
      // the hook is what is closing the server
    }
  }
}
