package io.midigpt;

/** An encoder config is malformed or inconsistent. */
public class InvalidConfigException extends MidigptException {
  private static final long serialVersionUID = 1L;

  public InvalidConfigException(String message) {
    super(message);
  }

  public InvalidConfigException(String message, Throwable cause) {
    super(message, cause);
  }
}
