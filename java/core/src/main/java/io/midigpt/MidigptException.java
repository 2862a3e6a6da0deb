package io.midigpt;

/** Base of every exception midigpt raises; unchecked, with a message naming the problem. */
public class MidigptException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  public MidigptException(String message) {
    super(message);
  }

  public MidigptException(String message, Throwable cause) {
    super(message, cause);
  }
}
