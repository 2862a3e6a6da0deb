package io.midigpt.testing;

import static org.junit.jupiter.api.Assertions.fail;

import io.midigpt.score.Bar;
import io.midigpt.score.Note;
import io.midigpt.score.Score;
import io.midigpt.score.Track;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * Compares scores field by field and names the first difference, since a failed equals on two
 * thousand-note records says nothing useful.
 */
public final class ScoreDiff {
  private ScoreDiff() {}

  /** Fails with the path of the first difference when the scores differ in any field. */
  public static void assertScoreEquals(Score expected, Score actual, String label) {
    firstDifference(expected, actual).ifPresent(difference -> fail(label + ": " + difference));
  }

  /** The first difference, as "track 2 bar 7 note 3: expected ... but was ...". */
  public static Optional<String> firstDifference(Score expected, Score actual) {
    if (expected.resolution() != actual.resolution()) {
      return differs("resolution", expected.resolution(), actual.resolution());
    }
    if (expected.tempo() != actual.tempo()) {
      return differs("tempo", expected.tempo(), actual.tempo());
    }
    if (expected.tracks().size() != actual.tracks().size()) {
      return differs("track count", expected.tracks().size(), actual.tracks().size());
    }
    for (int t = 0; t < expected.tracks().size(); t++) {
      Optional<String> difference =
          trackDifference(expected.tracks().get(t), actual.tracks().get(t));
      if (difference.isPresent()) {
        return Optional.of("track " + t + " " + difference.get());
      }
    }
    return Optional.empty();
  }

  private static Optional<String> trackDifference(Track expected, Track actual) {
    if (expected.instrument() != actual.instrument()) {
      return differs("instrument", expected.instrument(), actual.instrument());
    }
    if (expected.type() != actual.type()) {
      return differs("type", expected.type(), actual.type());
    }
    if (!expected.attributes().equals(actual.attributes())) {
      return differs("attributes", expected.attributes(), actual.attributes());
    }
    if (expected.bars().size() != actual.bars().size()) {
      return differs("bar count", expected.bars().size(), actual.bars().size());
    }
    for (int b = 0; b < expected.bars().size(); b++) {
      Optional<String> difference = barDifference(expected.bars().get(b), actual.bars().get(b));
      if (difference.isPresent()) {
        return Optional.of("bar " + b + " " + difference.get());
      }
    }
    return Optional.empty();
  }

  private static Optional<String> barDifference(Bar expected, Bar actual) {
    if (expected.numerator() != actual.numerator()
        || expected.denominator() != actual.denominator()) {
      return differs(
          "time signature",
          expected.numerator() + "/" + expected.denominator(),
          actual.numerator() + "/" + actual.denominator());
    }
    if (Double.compare(expected.beatLength(), actual.beatLength()) != 0) {
      return differs("beat length", expected.beatLength(), actual.beatLength());
    }
    if (expected.future() != actual.future()) {
      return differs("future", expected.future(), actual.future());
    }
    if (!expected.attributes().equals(actual.attributes())) {
      return differs("attributes", expected.attributes(), actual.attributes());
    }
    List<Note> expectedNotes = expected.notes();
    List<Note> actualNotes = actual.notes();
    for (int n = 0; n < Math.min(expectedNotes.size(), actualNotes.size()); n++) {
      if (!expectedNotes.get(n).equals(actualNotes.get(n))) {
        return differs("note " + n, expectedNotes.get(n), actualNotes.get(n));
      }
    }
    if (expectedNotes.size() != actualNotes.size()) {
      int common = Math.min(expectedNotes.size(), actualNotes.size());
      return differs(
          "note count",
          expectedNotes.size() + " (from index " + common + ": "
              + expectedNotes.subList(common, Math.min(expectedNotes.size(), common + 3)) + ")",
          actualNotes.size() + " (from index " + common + ": "
              + actualNotes.subList(common, Math.min(actualNotes.size(), common + 3)) + ")");
    }
    return Optional.empty();
  }

  /** The score with every note's delta set to 0 (MIDI files cannot carry it). */
  public static Score withoutDeltas(Score score) {
    List<Track> tracks = new ArrayList<>();
    for (Track track : score.tracks()) {
      List<Bar> bars = new ArrayList<>();
      for (Bar bar : track.bars()) {
        List<Note> notes =
            bar.notes().stream()
                .map(n -> new Note(n.onset(), n.duration(), n.pitch(), n.velocity(), 0))
                .toList();
        bars.add(bar.toBuilder().notes(notes).build());
      }
      tracks.add(track.toBuilder().bars(bars).build());
    }
    return Score.builder()
        .resolution(score.resolution())
        .tempo(score.tempo())
        .tracks(tracks)
        .build();
  }

  private static Optional<String> differs(String what, Object expected, Object actual) {
    return Objects.equals(expected, actual)
        ? Optional.empty()
        : Optional.of(what + ": expected " + expected + " but was " + actual);
  }
}
