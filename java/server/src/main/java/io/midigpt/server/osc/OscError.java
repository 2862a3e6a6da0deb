package io.midigpt.server.osc;

/** The error codes of {@code /midigpt/error (int code, str message)} (reference spec §9.2). */
public enum OscError {
  /** The message is not allowed in the session's state, or a session rule is broken. */
  INVALID_STATE(1),
  /** No track with that id. */
  UNKNOWN_TRACK(2),
  /** A track with that id exists. */
  DUPLICATE_TRACK(3),
  /** A bad argument: wrong count or type, out of range, unknown name, malformed packet. */
  INVALID_PARAM(4),
  /** A generation failed, timed out, or was dropped because it would have arrived late. */
  GENERATION(5),
  /** {@code /session/start} without an agent track. */
  NO_AGENT(6),
  /** More agent tracks than the server allows (one, as the reference, unless configured). */
  MULTI_AGENT(7),
  /** A {@code /note} for an agent track: its notes come from the model. */
  AGENT_NOTE(8);

  private final int code;

  OscError(int code) {
    this.code = code;
  }

  public int code() {
    return code;
  }
}
