package io.midigpt.tokenizer;

import io.midigpt.InvalidArgumentException;
import java.util.ArrayList;
import java.util.List;

/**
 * How a score is encoded. The defaults reproduce the reference's training encoding.
 *
 * @param windowBars the NumBars token value (must be in the encoder's num_bars_map); 0 uses the
 *     longest track's bar count
 * @param genre Genre token value, -1 for none
 * @param useVelocity UseVelocity token value, -1 for the vocabulary's default (on)
 * @param useMicrotiming UseMicrotiming token value, -1 for the vocabulary's default (on)
 * @param infillTargets (track, bar) pairs encoded as placeholders with fill blocks at the end
 * @param spanMaskFutureBars future bars become empty shells the model is told not to attend to
 * @param removeFutureBars future bars are left out entirely
 * @param emitPitchClassSet emit BarLevelPitchClassSet tokens (reference spec §12.1; off in the
 *     reference's token stream)
 * @param computeAttributes compute attribute levels on the normalised score before encoding
 *     (off: encode the attributes the score carries)
 */
public record EncodeOptions(
    int windowBars,
    int genre,
    int useVelocity,
    int useMicrotiming,
    List<BarRef> infillTargets,
    boolean spanMaskFutureBars,
    boolean removeFutureBars,
    boolean emitPitchClassSet,
    boolean computeAttributes) {

  /** The reference's defaults: NumBars from the score, attributes computed. */
  public static final EncodeOptions DEFAULTS = builder().build();

  /** One bar of one track. */
  public record BarRef(int track, int bar) {
    public BarRef {
      if (track < 0 || bar < 0) {
        throw new InvalidArgumentException("track and bar indices must be >= 0");
      }
    }
  }

  public EncodeOptions {
    if (windowBars < 0) {
      throw new InvalidArgumentException("windowBars must be >= 0, got " + windowBars);
    }
    infillTargets = List.copyOf(infillTargets);
  }

  public static Builder builder() {
    return new Builder();
  }

  /** The options as the core's option array (bridge.hpp, kEncodeOptionFields). */
  int[] toWire() {
    int[] wire = new int[8 + 2 * infillTargets.size()];
    wire[0] = windowBars;
    wire[1] = genre;
    wire[2] = useVelocity;
    wire[3] = useMicrotiming;
    wire[4] = spanMaskFutureBars ? 1 : 0;
    wire[5] = removeFutureBars ? 1 : 0;
    wire[6] = emitPitchClassSet ? 1 : 0;
    wire[7] = infillTargets.size();
    for (int i = 0; i < infillTargets.size(); i++) {
      wire[8 + 2 * i] = infillTargets.get(i).track();
      wire[9 + 2 * i] = infillTargets.get(i).bar();
    }
    return wire;
  }

  public static final class Builder {
    private int windowBars;
    private int genre = -1;
    private int useVelocity = -1;
    private int useMicrotiming = -1;
    private final List<BarRef> infillTargets = new ArrayList<>();
    private boolean spanMaskFutureBars;
    private boolean removeFutureBars;
    private boolean emitPitchClassSet;
    private boolean computeAttributes = true;

    private Builder() {}

    public Builder windowBars(int bars) {
      this.windowBars = bars;
      return this;
    }

    public Builder genre(int genreId) {
      this.genre = genreId;
      return this;
    }

    public Builder useVelocity(boolean on) {
      this.useVelocity = on ? 1 : 0;
      return this;
    }

    public Builder useMicrotiming(boolean on) {
      this.useMicrotiming = on ? 1 : 0;
      return this;
    }

    public Builder infill(int track, int bar) {
      infillTargets.add(new BarRef(track, bar));
      return this;
    }

    public Builder spanMaskFutureBars(boolean on) {
      this.spanMaskFutureBars = on;
      return this;
    }

    public Builder removeFutureBars(boolean on) {
      this.removeFutureBars = on;
      return this;
    }

    public Builder emitPitchClassSet(boolean on) {
      this.emitPitchClassSet = on;
      return this;
    }

    public Builder computeAttributes(boolean on) {
      this.computeAttributes = on;
      return this;
    }

    public EncodeOptions build() {
      return new EncodeOptions(
          windowBars,
          genre,
          useVelocity,
          useMicrotiming,
          infillTargets,
          spanMaskFutureBars,
          removeFutureBars,
          emitPitchClassSet,
          computeAttributes);
    }
  }
}
