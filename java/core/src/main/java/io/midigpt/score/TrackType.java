package io.midigpt.score;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;
import io.midigpt.InvalidScoreException;
import java.util.Locale;

/** Melodic tracks carry note durations; drum tracks (MIDI channel 10) only hits. */
public enum TrackType {
  MELODIC,
  DRUM;

  /** The JSON spelling: "melodic" or "drum". */
  @JsonValue
  public String jsonName() {
    return name().toLowerCase(Locale.ROOT);
  }

  @JsonCreator
  public static TrackType fromJsonName(String name) {
    for (TrackType type : values()) {
      if (type.jsonName().equals(name)) {
        return type;
      }
    }
    throw new InvalidScoreException("track_type must be \"melodic\" or \"drum\", got \"" + name + "\"");
  }
}
