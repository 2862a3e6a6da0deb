package io.midigpt;

/** The bytes are not a MIDI file the reader accepts (corrupt, truncated or hostile input). */
public class InvalidMidiException extends MidigptException {
  private static final long serialVersionUID = 1L;

  public InvalidMidiException(String message) {
    super(message);
  }

  public InvalidMidiException(String message, Throwable cause) {
    super(message, cause);
  }
}
