package io.midigpt.generation;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

/**
 * What to do with one track of the score (reference spec §6.2): which bars to generate, how, and
 * which attribute levels and controls to lock. A request needs one prompt per score track ({@code
 * ignore} skips one). JSON, with the defaults:
 *
 * <pre>{@code
 * {"id": 0, "bars": [1, 2], "autoregressive": false, "ignore": false, "mask_bars": [],
 *  "attributes": {}, "controls": {}, "bar_attributes": {}, "bar_controls": {}}
 * }</pre>
 *
 * <p>{@code id} and {@code bars} are required in JSON. The record checks no request rule (bars in
 * range, right suffix, known attribute names, ...): the native validator does (§6.4 rules 9-15).
 *
 * @param id JSON {@code id} (required): the track's index in the score
 * @param bars JSON {@code bars} (required): bars to generate, as absolute bar indices; for an
 *     autoregressive prompt a right suffix of the track. Order and repeats are kept
 * @param autoregressive JSON {@code autoregressive}, default false: continue the track left to
 *     right instead of infilling; with no bars or bar 0 among them the whole track is regenerated
 *     (see {@link #isFullAutoregressive()}, §6.3)
 * @param ignore JSON {@code ignore}, default false: never generate this track; it stays in the
 *     prompt as context
 * @param maskBars JSON {@code mask_bars}, default {@code []}: bars hidden from the model, encoded
 *     per {@link InferenceConfig#maskMode()}
 * @param attributes JSON {@code attributes}, default {@code {}}: track-level attribute levels by
 *     attribute name (quantised levels), sorted by name
 * @param controls JSON {@code controls}, default {@code {}}: track-level non-attribute locks
 * @param barAttributes JSON {@code bar_attributes}, default {@code {}}: per-bar attribute levels,
 *     by absolute bar index (a decimal string key in JSON, e.g. {@code {"3": {"tension": 2}}}),
 *     then attribute name; sorted by bar
 * @param barControls JSON {@code bar_controls}, default {@code {}}: per-bar controls by absolute
 *     bar index (a decimal string key in JSON); sorted by bar
 */
public record TrackPrompt(
    int id,
    List<Integer> bars,
    boolean autoregressive,
    boolean ignore,
    List<Integer> maskBars,
    Map<String, Integer> attributes,
    TrackControls controls,
    Map<Integer, Map<String, Integer>> barAttributes,
    Map<Integer, TrackControls> barControls) {

  public TrackPrompt {
    bars = Values.list(bars, "bars");
    maskBars = Values.list(maskBars, "mask_bars");
    attributes = Values.sortedMap(attributes, "attributes", Function.identity());
    Values.required(controls, "controls");
    barAttributes =
        Values.sortedMap(
            barAttributes,
            "bar_attributes",
            levels -> Values.sortedMap(levels, "bar_attributes", Function.identity()));
    barControls = Values.sortedMap(barControls, "bar_controls", Function.identity());
  }

  /** A prompt for track {@code id} generating {@code bars}, everything else at its default. */
  public static TrackPrompt of(int id, List<Integer> bars) {
    return builder(id).bars(bars).build();
  }

  /** A prompt that keeps track {@code id} as it is ({@code ignore} true, no bars). */
  public static TrackPrompt ignored(int id) {
    return builder(id).ignore(true).build();
  }

  /**
   * True when this prompt regenerates its whole track left to right: autoregressive with no bars or
   * with bar 0 among them. Such a track gets no analyzer attributes; its requested attributes
   * become sampling constraints instead (§6.3).
   */
  public boolean isFullAutoregressive() {
    return autoregressive && (bars.isEmpty() || bars.contains(0));
  }

  public static Builder builder(int id) {
    return new Builder(id);
  }

  public Builder toBuilder() {
    Builder builder =
        new Builder(id)
            .bars(bars)
            .autoregressive(autoregressive)
            .ignore(ignore)
            .maskBars(maskBars)
            .attributes(attributes)
            .controls(controls)
            .barControls(barControls);
    return builder.barAttributes(barAttributes);
  }

  /** Builds a prompt; every field but the id starts at its default (no bars). */
  public static final class Builder {
    private int id;
    private final List<Integer> bars = new ArrayList<>();
    private boolean autoregressive;
    private boolean ignore;
    private final List<Integer> maskBars = new ArrayList<>();
    private final Map<String, Integer> attributes = new LinkedHashMap<>();
    private TrackControls controls = TrackControls.NONE;
    private final Map<Integer, Map<String, Integer>> barAttributes = new LinkedHashMap<>();
    private final Map<Integer, TrackControls> barControls = new LinkedHashMap<>();

    private Builder(int id) {
      this.id = id;
    }

    public Builder id(int id) {
      this.id = id;
      return this;
    }

    /** Replaces the bars to generate. */
    public Builder bars(List<Integer> bars) {
      this.bars.clear();
      this.bars.addAll(Values.required(bars, "bars"));
      return this;
    }

    /** Replaces the bars to generate. */
    public Builder bars(int... bars) {
      this.bars.clear();
      for (int bar : bars) {
        this.bars.add(bar);
      }
      return this;
    }

    public Builder autoregressive(boolean autoregressive) {
      this.autoregressive = autoregressive;
      return this;
    }

    public Builder ignore(boolean ignore) {
      this.ignore = ignore;
      return this;
    }

    /** Replaces the bars hidden from the model. */
    public Builder maskBars(List<Integer> maskBars) {
      this.maskBars.clear();
      this.maskBars.addAll(Values.required(maskBars, "mask_bars"));
      return this;
    }

    /** Replaces the bars hidden from the model. */
    public Builder maskBars(int... maskBars) {
      this.maskBars.clear();
      for (int bar : maskBars) {
        this.maskBars.add(bar);
      }
      return this;
    }

    /** Sets one track-level attribute level. */
    public Builder attribute(String name, int level) {
      attributes.put(Values.required(name, "attributes"), level);
      return this;
    }

    /** Replaces the track-level attribute levels. */
    public Builder attributes(Map<String, Integer> attributes) {
      this.attributes.clear();
      this.attributes.putAll(Values.required(attributes, "attributes"));
      return this;
    }

    public Builder controls(TrackControls controls) {
      this.controls = controls;
      return this;
    }

    /** Sets one attribute level of bar {@code bar} (an absolute bar index). */
    public Builder barAttribute(int bar, String name, int level) {
      barAttributes
          .computeIfAbsent(bar, key -> new LinkedHashMap<>())
          .put(Values.required(name, "bar_attributes"), level);
      return this;
    }

    /** Replaces the per-bar attribute levels. */
    public Builder barAttributes(Map<Integer, ? extends Map<String, Integer>> barAttributes) {
      this.barAttributes.clear();
      Values.required(barAttributes, "bar_attributes")
          .forEach(
              (bar, levels) ->
                  this.barAttributes.put(bar, levels == null ? null : new LinkedHashMap<>(levels)));
      return this;
    }

    /** Sets the controls of bar {@code bar} (an absolute bar index). */
    public Builder barControls(int bar, TrackControls controls) {
      barControls.put(bar, controls);
      return this;
    }

    /** Replaces the per-bar controls. */
    public Builder barControls(Map<Integer, TrackControls> barControls) {
      this.barControls.clear();
      this.barControls.putAll(Values.required(barControls, "bar_controls"));
      return this;
    }

    public TrackPrompt build() {
      return new TrackPrompt(
          id,
          bars,
          autoregressive,
          ignore,
          maskBars,
          attributes,
          controls,
          barAttributes,
          barControls);
    }
  }
}
