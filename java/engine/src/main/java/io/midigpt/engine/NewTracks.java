package io.midigpt.engine;

import io.midigpt.InvalidArgumentException;
import io.midigpt.score.Bar;
import io.midigpt.score.Score;
import io.midigpt.score.Track;
import io.midigpt.score.TrackType;
import java.util.ArrayList;
import java.util.List;

/**
 * Empty tracks for the model to fill: a request can only generate bars that exist in the score,
 * so a new piece or a new track starts as empty bars with their time signatures.
 */
public final class NewTracks {
  private NewTracks() {}

  /**
   * A track of {@code bars} empty bars in {@code numerator/denominator}.
   *
   * @param program General MIDI program 0..127 (ignored by the model for drums)
   */
  public static Track empty(int program, boolean drums, int bars, int numerator, int denominator) {
    if (bars < 1) {
      throw new InvalidArgumentException("a new track needs at least one bar, got " + bars);
    }
    Bar bar = Bar.builder().timeSignature(numerator, denominator).build();
    List<Bar> empty = new ArrayList<>(bars);
    for (int i = 0; i < bars; i++) {
      empty.add(bar);
    }
    return Track.builder()
        .instrument(program)
        .type(drums ? TrackType.DRUM : TrackType.MELODIC)
        .bars(empty)
        .build();
  }

  /**
   * {@code score} with {@code tracks} appended; each new track copies the time signatures of the
   * score's first track so that every track has the same bars.
   */
  public static Score append(Score score, List<Track> tracks) {
    List<Track> all = new ArrayList<>(score.tracks());
    List<Bar> template = score.tracks().isEmpty() ? List.of() : score.tracks().get(0).bars();
    for (Track track : tracks) {
      if (template.isEmpty()) {
        all.add(track);
        continue;
      }
      List<Bar> bars = new ArrayList<>(template.size());
      for (Bar bar : template) {
        bars.add(Bar.builder()
            .timeSignature(bar.numerator(), bar.denominator())
            .beatLength(bar.beatLength())
            .build());
      }
      all.add(track.toBuilder().bars(bars).build());
    }
    return new Score(score.resolution(), score.tempo(), all);
  }
}
