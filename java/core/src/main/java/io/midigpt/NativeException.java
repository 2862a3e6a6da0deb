package io.midigpt;

/** An unexpected failure inside the native core (a bug, or the machine ran out of memory). */
public class NativeException extends MidigptException {
  private static final long serialVersionUID = 1L;

  public NativeException(String message, Throwable cause) {
    super(message, cause);
  }
}
