package io.midigpt;

/** A model checkpoint is unreadable, malformed, or does not match the model it should load into. */
public class InvalidCheckpointException extends MidigptException {
  private static final long serialVersionUID = 1L;

  public InvalidCheckpointException(String message) {
    super(message);
  }

  public InvalidCheckpointException(String message, Throwable cause) {
    super(message, cause);
  }
}
