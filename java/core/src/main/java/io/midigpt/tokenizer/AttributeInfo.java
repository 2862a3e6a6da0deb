package io.midigpt.tokenizer;

import java.util.List;

/**
 * One attribute control of an encoder.
 *
 * @param name the key in track or bar attribute maps (e.g. "min_polyphony")
 * @param tokenType the token type that carries it
 * @param barLevel whether it is set per bar (else per track)
 * @param trackType "melodic", "drum" or "both": the tracks it is computed for
 * @param size number of levels
 * @param labels a human-readable label per level
 */
public record AttributeInfo(
    String name, String tokenType, boolean barLevel, String trackType, int size, List<String> labels) {
  public AttributeInfo {
    labels = List.copyOf(labels);
  }
}
