package io.midigpt.engine.hub;

import io.midigpt.MidigptException;

/**
 * A pretrained model could not be found or fetched: an unknown name, a model that is neither
 * cached nor downloadable (offline mode, no network, a server error), or a download that stopped
 * part way. The message says what to do; an interrupted download resumes on the next call.
 */
public class ModelUnavailableException extends MidigptException {
  private static final long serialVersionUID = 1L;

  public ModelUnavailableException(String message) {
    super(message);
  }

  public ModelUnavailableException(String message, Throwable cause) {
    super(message, cause);
  }
}
