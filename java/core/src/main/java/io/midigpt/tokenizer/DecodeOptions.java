package io.midigpt.tokenizer;

/**
 * How tokens become a score.
 *
 * @param normalize rescale ticks from the encoder grid to the config's decode resolution (1920
 *     for the released models); off returns ticks at the grid
 * @param referenceQuirks reproduce the reference decoder exactly: integer bar lengths (odd
 *     meters get the wrong length) and silent notes for 128-level velocities (spec §12.5, §12.7)
 */
public record DecodeOptions(boolean normalize, boolean referenceQuirks) {
  /** Decode-resolution ticks, exact bar lengths, audible velocities. */
  public static final DecodeOptions DEFAULTS = new DecodeOptions(true, false);

  /** Exactly what the reference's C++ decoder returns (ticks at the grid). */
  public static final DecodeOptions REFERENCE = new DecodeOptions(false, true);
}
