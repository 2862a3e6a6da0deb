package io.midigpt;

/** A token sequence is outside the vocabulary or cannot be decoded. */
public class InvalidTokensException extends MidigptException {
  private static final long serialVersionUID = 1L;

  public InvalidTokensException(String message) {
    super(message);
  }

  public InvalidTokensException(String message, Throwable cause) {
    super(message, cause);
  }
}
