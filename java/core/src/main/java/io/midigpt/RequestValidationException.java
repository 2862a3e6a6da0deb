package io.midigpt;

/** A generation request breaks one of the validation rules (which one is in the message). */
public class RequestValidationException extends MidigptException {
  private static final long serialVersionUID = 1L;

  public RequestValidationException(String message) {
    super(message);
  }

  public RequestValidationException(String message, Throwable cause) {
    super(message, cause);
  }
}
