package io.midigpt.score;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import io.midigpt.InvalidScoreException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * One bar of one track.
 *
 * @param numerator time signature numerator
 * @param denominator time signature denominator
 * @param beatLength bar length in quarter notes (4 * numerator / denominator for bars read from
 *     MIDI)
 * @param future an unknown bar, to be masked when the score is a prompt
 * @param notes notes whose onset lies in this bar, in onset order
 * @param attributes bar-level attribute levels by name (e.g. "bar_min_polyphony")
 */
@JsonPropertyOrder({"ts_numerator", "ts_denominator", "beat_length", "future", "notes", "attributes"})
public record Bar(
    @JsonProperty("ts_numerator") int numerator,
    @JsonProperty("ts_denominator") int denominator,
    @JsonProperty("beat_length") double beatLength,
    @JsonProperty("future") boolean future,
    @JsonProperty("notes") List<Note> notes,
    @JsonProperty("attributes") @JsonInclude(JsonInclude.Include.NON_EMPTY)
        Map<String, Integer> attributes) {

  public Bar {
    if (numerator <= 0 || denominator <= 0) {
      throw new InvalidScoreException(
          "time signature " + numerator + "/" + denominator + " must be positive");
    }
    if (!(beatLength >= 0) || Double.isInfinite(beatLength)) {
      throw new InvalidScoreException("beat length " + beatLength + " must be finite and >= 0");
    }
    notes = List.copyOf(notes);
    attributes = Map.copyOf(attributes);
  }

  /** Bar length in quarter notes implied by a time signature. */
  public static double beatLengthOf(int numerator, int denominator) {
    return 4.0 * numerator / denominator;
  }

  public static Builder builder() {
    return new Builder();
  }

  /** A builder starting from this bar. */
  public Builder toBuilder() {
    Builder builder = new Builder().timeSignature(numerator, denominator).future(future);
    builder.beatLength = beatLength;
    builder.notes.addAll(notes);
    builder.attributes.putAll(attributes);
    return builder;
  }

  @JsonCreator
  static Bar fromJson(
      @JsonProperty("ts_numerator") Integer numerator,
      @JsonProperty("ts_denominator") Integer denominator,
      @JsonProperty("beat_length") Double beatLength,
      @JsonProperty("future") Boolean future,
      @JsonProperty("notes") List<Note> notes,
      @JsonProperty("attributes") Map<String, Integer> attributes) {
    Builder builder =
        builder()
            .timeSignature(numerator == null ? 4 : numerator, denominator == null ? 4 : denominator)
            .future(Boolean.TRUE.equals(future));
    if (beatLength != null) {
      builder.beatLength(beatLength);
    }
    if (notes != null) {
      builder.notes.addAll(notes);
    }
    if (attributes != null) {
      builder.attributes.putAll(attributes);
    }
    return builder.build();
  }

  /** Builds a bar; 4/4 with the time signature's beat length unless told otherwise. */
  public static final class Builder {
    private int numerator = 4;
    private int denominator = 4;
    private Double beatLength;
    private boolean future;
    private final List<Note> notes = new ArrayList<>();
    private final Map<String, Integer> attributes = new LinkedHashMap<>();

    private Builder() {}

    public Builder timeSignature(int numerator, int denominator) {
      this.numerator = numerator;
      this.denominator = denominator;
      return this;
    }

    /** Overrides the bar length implied by the time signature. */
    public Builder beatLength(double beatLength) {
      this.beatLength = beatLength;
      return this;
    }

    public Builder future(boolean future) {
      this.future = future;
      return this;
    }

    public Builder addNote(Note note) {
      notes.add(note);
      return this;
    }

    public Builder notes(List<Note> notes) {
      this.notes.clear();
      this.notes.addAll(notes);
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

    public Bar build() {
      double length = beatLength != null ? beatLength : beatLengthOf(numerator, denominator);
      return new Bar(numerator, denominator, length, future, notes, attributes);
    }
  }
}
