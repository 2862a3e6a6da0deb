package io.midigpt;

/** An option or argument is out of range. */
public class InvalidArgumentException extends MidigptException {
  private static final long serialVersionUID = 1L;

  public InvalidArgumentException(String message) {
    super(message);
  }

  public InvalidArgumentException(String message, Throwable cause) {
    super(message, cause);
  }
}
