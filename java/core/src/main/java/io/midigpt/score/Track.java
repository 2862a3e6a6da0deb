package io.midigpt.score;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonIgnore;
import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import io.midigpt.InvalidScoreException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * One track: an instrument and its bars.
 *
 * @param instrument General MIDI program 0..127 (kept for drum tracks too)
 * @param type melodic or drum
 * @param bars the bars, every track of a score having the same count
 * @param attributes track-level attribute levels by name (e.g. "min_polyphony")
 */
@JsonPropertyOrder({"instrument", "track_type", "bars", "attributes"})
public record Track(
    @JsonProperty("instrument") int instrument,
    @JsonProperty("track_type") TrackType type,
    @JsonProperty("bars") List<Bar> bars,
    @JsonProperty("attributes") @JsonInclude(JsonInclude.Include.NON_EMPTY)
        Map<String, Integer> attributes) {

  public Track {
    if (instrument < 0 || instrument > 127) {
      throw new InvalidScoreException("instrument " + instrument + " is outside 0..127");
    }
    if (type == null) {
      throw new InvalidScoreException("track type is missing");
    }
    bars = List.copyOf(bars);
    attributes = Map.copyOf(attributes);
  }

  /** Derived from {@link #type()}; ignored by JSON, which would otherwise write a "drum" key. */
  @JsonIgnore
  public boolean isDrum() {
    return type == TrackType.DRUM;
  }

  /** Number of notes over all bars. */
  public int noteCount() {
    return bars.stream().mapToInt(bar -> bar.notes().size()).sum();
  }

  public static Builder builder() {
    return new Builder();
  }

  /** A builder starting from this track. */
  public Builder toBuilder() {
    Builder builder = new Builder().instrument(instrument).type(type);
    builder.bars.addAll(bars);
    builder.attributes.putAll(attributes);
    return builder;
  }

  @JsonCreator
  static Track fromJson(
      @JsonProperty("instrument") Integer instrument,
      @JsonProperty("track_type") TrackType type,
      @JsonProperty("bars") List<Bar> bars,
      @JsonProperty("attributes") Map<String, Integer> attributes) {
    Builder builder =
        builder()
            .instrument(instrument == null ? 0 : instrument)
            .type(type == null ? TrackType.MELODIC : type);
    if (bars != null) {
      builder.bars.addAll(bars);
    }
    if (attributes != null) {
      builder.attributes.putAll(attributes);
    }
    return builder.build();
  }

  /** Builds a melodic piano track unless told otherwise. */
  public static final class Builder {
    private int instrument;
    private TrackType type = TrackType.MELODIC;
    private final List<Bar> bars = new ArrayList<>();
    private final Map<String, Integer> attributes = new LinkedHashMap<>();

    private Builder() {}

    public Builder instrument(int program) {
      this.instrument = program;
      return this;
    }

    public Builder type(TrackType type) {
      this.type = type;
      return this;
    }

    public Builder addBar(Bar bar) {
      bars.add(bar);
      return this;
    }

    public Builder bars(List<Bar> bars) {
      this.bars.clear();
      this.bars.addAll(bars);
      return this;
    }

    public Builder attribute(String name, int level) {
      attributes.put(name, level);
      return this;
    }

    public Builder attributes(Map<String, Integer> attributes) {
      this.attributes.clear();
      this.attributes.putAll(attributes);
      return this;
    }

    public Track build() {
      return new Track(instrument, type, bars, attributes);
    }
  }
}
