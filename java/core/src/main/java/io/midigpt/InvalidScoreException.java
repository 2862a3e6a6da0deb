package io.midigpt;

/** A score violates what the model can represent (e.g. a time signature outside the encoder's list). */
public class InvalidScoreException extends MidigptException {
  private static final long serialVersionUID = 1L;

  public InvalidScoreException(String message) {
    super(message);
  }

  public InvalidScoreException(String message, Throwable cause) {
    super(message, cause);
  }
}
