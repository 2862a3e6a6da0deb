package io.midigpt.score;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import io.midigpt.InvalidScoreException;

/**
 * One note. Ticks are at the score's resolution; the onset is relative to the start of its bar
 * and the duration may extend past the bar end.
 *
 * @param onset ticks from the start of the bar, {@code >= 0}
 * @param duration ticks, {@code >= 0}
 * @param pitch MIDI pitch 0..127
 * @param velocity MIDI velocity 0..127
 * @param delta microtiming residual (only expressive encoders use it)
 */
@JsonPropertyOrder({"pitch", "velocity", "onset_ticks", "duration_ticks", "delta"})
public record Note(
    @JsonProperty("onset_ticks") int onset,
    @JsonProperty("duration_ticks") int duration,
    @JsonProperty("pitch") int pitch,
    @JsonProperty("velocity") int velocity,
    @JsonProperty("delta") int delta) {

  public Note {
    if (pitch < 0 || pitch > 127) {
      throw new InvalidScoreException("note pitch " + pitch + " is outside 0..127");
    }
    if (velocity < 0 || velocity > 127) {
      throw new InvalidScoreException("note velocity " + velocity + " is outside 0..127");
    }
    if (onset < 0) {
      throw new InvalidScoreException("note onset " + onset + " is negative");
    }
    if (duration < 0) {
      throw new InvalidScoreException("note duration " + duration + " is negative");
    }
  }

  /** A note without microtiming. */
  public static Note of(int pitch, int velocity, int onset, int duration) {
    return new Note(onset, duration, pitch, velocity, 0);
  }

  @JsonCreator
  static Note fromJson(
      @JsonProperty(value = "pitch", required = true) int pitch,
      @JsonProperty(value = "velocity", required = true) int velocity,
      @JsonProperty(value = "onset_ticks", required = true) int onset,
      @JsonProperty(value = "duration_ticks", required = true) int duration,
      @JsonProperty("delta") Integer delta) {
    return new Note(onset, duration, pitch, velocity, delta == null ? 0 : delta);
  }
}
