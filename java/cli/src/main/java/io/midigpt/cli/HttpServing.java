package io.midigpt.cli;

import io.midigpt.InvalidArgumentException;
import io.midigpt.engine.InferenceEngine;
import io.midigpt.server.http.HttpServer;
import io.midigpt.server.http.HttpServerSettings;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.file.Path;
import java.time.Duration;
import java.util.function.IntConsumer;
import picocli.CommandLine.Option;

/**
 * The options and the serve-until-stopped loop of the commands that run the HTTP server
 * ({@code serve-http}, {@code studio}).
 */
final class HttpServing {
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

  HttpServerSettings settings(String checkpointLabel) {
    return HttpServerSettings.defaults(checkpointLabel)
        .withHost(host)
        .withPort(port)
        .withMaxQueue(maxQueue)
        .withGenerationTimeout(Duration.ofSeconds(timeoutSeconds))
        .withFailureLog(failureLog);
  }

  /** The host part of a URL a local browser can open (a wildcard address is not one). */
  String browsableHost() {
    return host.equals("0.0.0.0") || host.equals("::") ? "localhost" : host;
  }

  /**
   * Loads the model and serves until Ctrl-C (a shutdown hook closes the server) or until this
   * thread is interrupted; {@code started} gets the bound port once the server answers.
   */
  void serve(ModelOption model, HttpServerSettings settings, IntConsumer started) {
    ServerLogging.configure(System.getenv("MIDIGPT_LOG_LEVEL"));
    boolean interrupted = false;
    try (InferenceEngine engine = model.open();
        HttpServer server = start(engine, settings)) {
      started.accept(server.port());
      interrupted = UntilStopped.await("midigpt-http-shutdown", server::close, server::awaitClose);
    }
    if (interrupted) {
      Thread.currentThread().interrupt();
    }
  }

  private static HttpServer start(InferenceEngine engine, HttpServerSettings settings) {
    try {
      return HttpServer.start(engine, settings);
    } catch (Exception e) {
      // Jetty may report a failed bind as its failure to stop afterwards (even as a checked
      // exception, thrown sneakily), hiding the cause: try the address to see if it is the problem.
      String problem = bindProblem(settings.host(), settings.port());
      if (problem == null) {
        throw e instanceof RuntimeException runtime ? runtime : new IllegalStateException(e);
      }
      throw new InvalidArgumentException("cannot listen on " + settings.host() + ":"
          + settings.port() + " (" + problem + "); choose another --port or --host");
    }
  }

  /** Why the address cannot be bound, or null when it can. */
  private static String bindProblem(String host, int port) {
    try (ServerSocket socket = new ServerSocket()) {
      socket.bind(new InetSocketAddress(InetAddress.getByName(host), port));
      return null;
    } catch (IOException e) {
      return e.getMessage();
    }
  }
}
