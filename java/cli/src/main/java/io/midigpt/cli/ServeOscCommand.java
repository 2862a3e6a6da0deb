package io.midigpt.cli;

import io.midigpt.InvalidArgumentException;
import io.midigpt.engine.InferenceEngine;
import io.midigpt.server.osc.OscProtocolException;
import io.midigpt.server.osc.OscServer;
import io.midigpt.server.osc.OscServerSettings;
import java.io.PrintWriter;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** Serves the real-time OSC protocol until Ctrl-C (or until its thread is interrupted). */
@Command(
    name = "serve-osc",
    mixinStandardHelpOptions = true,
    description = {
      "Serves the real-time OSC protocol of the reference's midigpt-server over UDP: a DAW or a"
          + " Max/MSP patch streams the notes it plays and receives generated bars back while the"
          + " music runs (docs/osc.md).",
      "Log level: MIDIGPT_LOG_LEVEL=debug|info|warn|error (default info)."
    })
final class ServeOscCommand implements Callable<Integer> {
  @Spec CommandSpec spec;

  @Mixin ModelOption model;

  @Option(names = "--host", defaultValue = OscServerSettings.DEFAULT_HOST, paramLabel = "HOST",
      description = "Interface to listen on; 0.0.0.0 serves the LAN, as the reference does"
          + " (default: ${DEFAULT-VALUE}).")
  String host;

  @Option(names = "--port", defaultValue = "" + OscServerSettings.DEFAULT_PORT, paramLabel = "N",
      description = "UDP port; 0 picks a free one (default: ${DEFAULT-VALUE}).")
  int port;

  @Option(names = "--reply-host", paramLabel = "HOST",
      description = "Send replies to this host (default: the sender of the latest message).")
  String replyHost;

  @Option(names = "--reply-port", defaultValue = "0", paramLabel = "N",
      description = "Send replies to this port (default: the sender's port).")
  int replyPort;

  @Option(names = "--max-agents", defaultValue = "1", paramLabel = "N",
      description = "Agent (generated) tracks a session may create; the reference allows one"
          + " (default: ${DEFAULT-VALUE}).")
  int maxAgents;

  @Option(names = "--max-attempts", paramLabel = "N",
      description = "Default of the max_attempts parameter (1-10; protocol default 3).")
  Integer maxAttempts;

  @Option(names = "--buffer", paramLabel = "BARS",
      description = "Default of buffer_bars: bars played before the first generation (2-64; 4).")
  Integer buffer;

  @Option(names = "--lookahead", paramLabel = "BARS",
      description = "Default of lookahead_bars: generate bar N+k while bar N plays (1-8; 1).")
  Integer lookahead;

  @Option(names = "--model-dim", paramLabel = "BARS",
      description = "Default of model_dim: the model's window in bars (1-16; 8).")
  Integer modelDim;

  @Option(names = "--gen-timeout", paramLabel = "SECONDS",
      description = "Default of gen_timeout: cancel a generation running longer (0: no limit).")
  Double genTimeout;

  @Override
  public Integer call() throws Exception {
    ServerLogging.configure(System.getenv("MIDIGPT_LOG_LEVEL"));
    PrintWriter out = spec.commandLine().getOut();
    OscServerSettings settings = settings();
    boolean interrupted = false;
    try (InferenceEngine engine = model.open();
        OscServer server = start(engine, settings)) {
      out.printf("midigpt: serving %s over OSC on udp://%s:%d, replies to %s:%s (Ctrl-C stops)%n",
          model.label(), host, server.port(),
          replyHost == null ? "the sender" : replyHost,
          replyPort == 0 ? "the sender's port" : Integer.toString(replyPort));
      out.flush();
      interrupted = UntilStopped.await("midigpt-osc-shutdown", server::close, server::awaitClose);
    }
    if (interrupted) {
      Thread.currentThread().interrupt();
    }
    return 0;
  }

  OscServerSettings settings() {
    Map<String, Object> defaults = new LinkedHashMap<>();
    putIfGiven(defaults, "max_attempts", maxAttempts);
    putIfGiven(defaults, "buffer_bars", buffer);
    putIfGiven(defaults, "lookahead_bars", lookahead);
    putIfGiven(defaults, "model_dim", modelDim);
    putIfGiven(defaults, "gen_timeout", genTimeout);
    try {
      return OscServerSettings.defaults(model.label())
          .withHost(host)
          .withPort(port)
          .withReplyTo(replyHost, replyPort)
          .withMaxAgents(maxAgents)
          .withParamDefaults(defaults);
    } catch (IllegalArgumentException e) {
      throw new InvalidArgumentException(e.getMessage());
    }
  }

  /** Starts the server; a bad parameter default is a usage error naming the option's value. */
  private static OscServer start(InferenceEngine engine, OscServerSettings settings) {
    try {
      return OscServer.start(engine, settings);
    } catch (OscProtocolException e) {
      throw new InvalidArgumentException(e.getMessage());
    }
  }

  private static void putIfGiven(Map<String, Object> defaults, String name, Object value) {
    if (value != null) {
      defaults.put(name, value);
    }
  }
}
