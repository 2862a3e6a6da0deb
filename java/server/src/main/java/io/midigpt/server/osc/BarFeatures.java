package io.midigpt.server.osc;

import io.midigpt.score.Note;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * {@code /midigpt/generated/features} of one generated bar (reference spec §9.5), and the bar
 * fractions its notes are sent with. Durations in ticks are at the reference's output resolution,
 * 1920 per quarter note, whatever the decoder's resolution.
 *
 * @param noteDensity notes per beat (notes / time-signature numerator)
 * @param meanDuration mean note duration as a fraction of the bar (clamped as the notes are)
 */
record BarFeatures(
    float noteDensity,
    float meanPitch,
    float meanVelocity,
    int maxOnsetPolyphony,
    float meanDuration,
    int minOnsetPolyphony,
    int minDurationTicks,
    int maxDurationTicks) {
  static final int OUTPUT_RESOLUTION = 1920;

  /** Onset as a bar fraction, clamped to [0, 0.9999] as the reference sends it. */
  static float onsetFraction(Note note, int barTicks) {
    return (float) Math.min(0.9999, Math.max(0.0, note.onset() / (double) barTicks));
  }

  /** Duration as a bar fraction, clamped to [0.0001, 1.0]. */
  static float durationFraction(Note note, int barTicks) {
    return (float) Math.min(1.0, Math.max(0.0001, note.duration() / (double) barTicks));
  }

  /**
   * @param notes the bar's notes (at least one)
   * @param resolution their ticks per quarter note
   * @param barTicks the bar's length in those ticks
   */
  static BarFeatures of(List<Note> notes, int resolution, int barTicks, int numerator) {
    Map<Integer, Integer> perOnset = new TreeMap<>();
    double pitch = 0;
    double velocity = 0;
    double duration = 0;
    int minTicks = Integer.MAX_VALUE;
    int maxTicks = 0;
    for (Note note : notes) {
      perOnset.merge(note.onset(), 1, Integer::sum);
      pitch += note.pitch();
      velocity += note.velocity();
      duration += durationFraction(note, barTicks);
      int ticks = (int) ((long) note.duration() * OUTPUT_RESOLUTION / resolution);
      minTicks = Math.min(minTicks, ticks);
      maxTicks = Math.max(maxTicks, ticks);
    }
    int count = notes.size();
    return new BarFeatures(
        (float) count / numerator,
        (float) (pitch / count),
        (float) (velocity / count),
        perOnset.values().stream().mapToInt(Integer::intValue).max().orElse(0),
        (float) (duration / count),
        perOnset.values().stream().mapToInt(Integer::intValue).min().orElse(0),
        minTicks,
        maxTicks);
  }
}
