package io.midigpt.generation;

import java.util.Optional;

/**
 * How bars hidden from the model (a prompt's {@code mask_bars}, and bars not yet generated) appear
 * in the prompt (reference spec §6.8). The JSON spelling of each mode is {@link #jsonName()}.
 *
 * <p>The reference default is {@link #TOKEN}, which every released model rejects (it has no MaskBar
 * token), so callers pass one of the other modes.
 */
public enum MaskMode {
  /** {@code "token"}: {@code Bar [attrs] TimeSig MaskBar BarEnd}; needs a MaskBar token. */
  TOKEN("token"),
  /** {@code "attention"}: an empty bar shell, hidden by the attention key mask on every call. */
  ATTENTION("attention"),
  /** {@code "attention_approx"}: the same shell, hidden on the prefill, then K/V overwritten. */
  ATTENTION_APPROX("attention_approx"),
  /** {@code "attention_skip"}: the same shell, left out of the prefill with explicit positions. */
  ATTENTION_SKIP("attention_skip"),
  /** {@code "remove"}: the bar is left out of the prompt. */
  REMOVE("remove");

  private final String jsonName;

  MaskMode(String jsonName) {
    this.jsonName = jsonName;
  }

  /** The request spelling: "token", "attention", "attention_approx", "attention_skip", "remove". */
  public String jsonName() {
    return jsonName;
  }

  /** The mode spelt {@code name} in a request (case-sensitive), or empty for any other string. */
  public static Optional<MaskMode> fromJsonName(String name) {
    for (MaskMode mode : values()) {
      if (mode.jsonName.equals(name)) {
        return Optional.of(mode);
      }
    }
    return Optional.empty();
  }

  /** True for the three modes that encode hidden bars as span-masked shells. */
  public boolean usesSpanMasks() {
    return this == ATTENTION || this == ATTENTION_APPROX || this == ATTENTION_SKIP;
  }

  @Override
  public String toString() {
    return jsonName;
  }
}
