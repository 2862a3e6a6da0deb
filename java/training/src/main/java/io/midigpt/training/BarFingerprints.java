package io.midigpt.training;

import io.midigpt.score.Bar;
import io.midigpt.score.Note;
import io.midigpt.score.Score;
import io.midigpt.score.Track;
import java.util.Arrays;
import java.util.HashSet;
import java.util.Set;

/**
 * Transposition-normalised fingerprints of bars, to tell how many generated bars are verbatim
 * copies of training bars: a bar's notes as (onset, pitch above the bar's lowest pitch,
 * duration) on the encoder grid, drums untransposed. Bars with fewer than
 * {@value #MIN_NOTES} notes are too generic to count as copies and are skipped.
 */
final class BarFingerprints {
  static final int MIN_NOTES = 2;
  private final Set<Long> seen = new HashSet<>();

  /** Adds every qualifying bar of a score already on the encoder grid. */
  void addAll(Score normalized) {
    for (Track track : normalized.tracks()) {
      for (Bar bar : track.bars()) {
        long print = of(bar, track.isDrum());
        if (print != 0) {
          seen.add(print);
        }
      }
    }
  }

  boolean contains(long print) {
    return seen.contains(print);
  }

  int size() {
    return seen.size();
  }

  /** The bar's fingerprint, or 0 when it has too few notes to count. */
  static long of(Bar bar, boolean drum) {
    if (bar.notes().size() < MIN_NOTES) {
      return 0;
    }
    int lowest = drum ? 0 : bar.notes().stream().mapToInt(Note::pitch).min().orElse(0);
    long[] notes = new long[bar.notes().size()];
    for (int i = 0; i < notes.length; i++) {
      Note n = bar.notes().get(i);
      notes[i] = ((long) n.onset() << 40) | ((long) (n.pitch() - lowest) << 24) | n.duration();
    }
    Arrays.sort(notes);
    long hash = 1125899906842597L + (drum ? 31 : 0);
    for (long n : notes) {
      hash = 31 * hash + n;
      hash ^= hash >>> 29;
    }
    return hash == 0 ? 1 : hash;
  }
}
