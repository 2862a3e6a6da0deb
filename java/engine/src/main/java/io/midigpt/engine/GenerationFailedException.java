package io.midigpt.engine;

import io.midigpt.MidigptException;

/**
 * A step used up its attempts without an acceptable candidate; the message lists each attempt's
 * rejections. Retrying with another seed, a higher temperature or more attempts may help.
 */
public class GenerationFailedException extends MidigptException {
  private static final long serialVersionUID = 1L;

  public GenerationFailedException(String message) {
    super(message);
  }
}
