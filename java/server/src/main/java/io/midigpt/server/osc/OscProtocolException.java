package io.midigpt.server.osc;

/** A message the session refuses; the server answers it with {@code /midigpt/error}. */
public final class OscProtocolException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  private final OscError error;

  public OscProtocolException(OscError error, String message) {
    super(message);
    this.error = error;
  }

  public OscError error() {
    return error;
  }
}
