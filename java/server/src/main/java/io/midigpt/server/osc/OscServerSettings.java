package io.midigpt.server.osc;

import java.util.Map;
import java.util.Objects;

/**
 * How an {@link OscServer} listens, where it replies and what it accepts.
 *
 * @param host the interface to bind: all by default, as the reference (DAWs often run on another
 *     machine); {@code 127.0.0.1} keeps it local
 * @param port the UDP port (reference: 7400); 0 picks a free one ({@link OscServer#port()})
 * @param replyHost where replies go; null: the address of the last message's sender
 * @param replyPort the port replies go to; 0: the sender's port (the reference's default)
 * @param checkpointLabel what {@code /midigpt/capabilities} calls the loaded model
 * @param maxAgents agent (generated) tracks a session may have: 1 as the reference (a second is
 *     error 7); more generate one after another for each bar, each seeing the ones before
 * @param paramDefaults parameter values replacing the protocol's defaults (the command line's
 *     {@code --lookahead} etc.); they survive {@code /session/init}
 * @param limits what one session may hold
 */
public record OscServerSettings(
    String host,
    int port,
    String replyHost,
    int replyPort,
    String checkpointLabel,
    int maxAgents,
    Map<String, Object> paramDefaults,
    Limits limits) {
  /**
   * Loopback, as the HTTP server: the reference listens on every interface, with no access
   * control; {@code 0.0.0.0} serves a LAN when asked.
   */
  public static final String DEFAULT_HOST = "127.0.0.1";
  public static final int DEFAULT_PORT = 7400;

  /**
   * Bounds on one session, so that no stream of messages exhausts memory.
   *
   * @param maxTracks tracks per session
   * @param maxNotesPerBar notes one track may hold in one bar
   * @param maxBarsAhead how far past the playhead notes and {@code /bar/end} may point
   * @param maxHistoryBars ended bars kept; older ones are forgotten
   */
  public record Limits(int maxTracks, int maxNotesPerBar, int maxBarsAhead, int maxHistoryBars) {
    public static final Limits DEFAULTS = new Limits(64, 512, 16, 256);

    public Limits {
      if (maxTracks < 1 || maxNotesPerBar < 1 || maxBarsAhead < 1 || maxHistoryBars < 80) {
        throw new IllegalArgumentException("limits must be positive, history >= 80 bars (the"
            + " largest buffer plus window), got " + this);
      }
    }
  }

  public OscServerSettings {
    Objects.requireNonNull(host, "host");
    Objects.requireNonNull(checkpointLabel, "checkpointLabel");
    Objects.requireNonNull(limits, "limits");
    paramDefaults = Map.copyOf(paramDefaults);
    if (port < 0 || port > 65_535) {
      throw new IllegalArgumentException("port must be in [0, 65535], got " + port);
    }
    if (replyPort < 0 || replyPort > 65_535) {
      throw new IllegalArgumentException("reply port must be in [0, 65535], got " + replyPort);
    }
    if (maxAgents < 1) {
      throw new IllegalArgumentException("maxAgents must be >= 1, got " + maxAgents);
    }
  }

  /** All interfaces, port 7400, replies to the sender, one agent, the protocol's parameters. */
  public static OscServerSettings defaults(String checkpointLabel) {
    return new OscServerSettings(DEFAULT_HOST, DEFAULT_PORT, null, 0, checkpointLabel, 1,
        Map.of(), Limits.DEFAULTS);
  }

  public OscServerSettings withHost(String host) {
    return new OscServerSettings(host, port, replyHost, replyPort, checkpointLabel, maxAgents,
        paramDefaults, limits);
  }

  public OscServerSettings withPort(int port) {
    return new OscServerSettings(host, port, replyHost, replyPort, checkpointLabel, maxAgents,
        paramDefaults, limits);
  }

  public OscServerSettings withReplyTo(String replyHost, int replyPort) {
    return new OscServerSettings(host, port, replyHost, replyPort, checkpointLabel, maxAgents,
        paramDefaults, limits);
  }

  public OscServerSettings withMaxAgents(int maxAgents) {
    return new OscServerSettings(host, port, replyHost, replyPort, checkpointLabel, maxAgents,
        paramDefaults, limits);
  }

  public OscServerSettings withParamDefaults(Map<String, Object> paramDefaults) {
    return new OscServerSettings(host, port, replyHost, replyPort, checkpointLabel, maxAgents,
        paramDefaults, limits);
  }

  public OscServerSettings withLimits(Limits limits) {
    return new OscServerSettings(host, port, replyHost, replyPort, checkpointLabel, maxAgents,
        paramDefaults, limits);
  }
}
