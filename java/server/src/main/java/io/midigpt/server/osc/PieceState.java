package io.midigpt.server.osc;

import io.midigpt.score.Note;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;

/**
 * The music of a session (reference spec §9.3): tracks in creation order (a track's piece index),
 * every track holding the same bars; the time signature of each bar; how many bars have ended.
 * Notes are stored at the encoder's resolution, converted from bar fractions when their bar ends.
 *
 * <p>Memory is bounded whatever a client sends: notes may be buffered only a few bars ahead of the
 * playhead, a bar holds a limited number of notes per track, and only the last {@code
 * maxHistoryBars} bars are kept (older ones are forgotten; the model never sees more than a
 * window of 16 bars before the target anyway).
 */
final class PieceState {
  static final int[] DEFAULT_TIME_SIGNATURE = {4, 4};

  final int resolution;
  private final OscServerSettings.Limits limits;
  final List<OscTrack> tracks = new ArrayList<>();
  /** Time signature per stored bar; bars that have not ended carry the latest known one. */
  private final List<int[]> timeSignatures = new ArrayList<>();
  /** The absolute index of stored bar 0 (bars before it were forgotten). */
  private int firstBar;
  private int barsCompleted;

  PieceState(int resolution, OscServerSettings.Limits limits) {
    this.resolution = resolution;
    this.limits = limits;
  }

  int firstBar() {
    return firstBar;
  }

  int barsCompleted() {
    return barsCompleted;
  }

  /** One past the last stored bar, as an absolute index. */
  int barCount() {
    return firstBar + timeSignatures.size();
  }

  int[] timeSignature(int bar) {
    int index = bar - firstBar;
    if (index >= 0 && index < timeSignatures.size()) {
      return timeSignatures.get(index);
    }
    return timeSignatures.isEmpty()
        ? DEFAULT_TIME_SIGNATURE
        : timeSignatures.get(timeSignatures.size() - 1);
  }

  /** Ticks in a bar of {@code ts}, as the reference: {@code int(num·4·res/den)}. */
  int barTicks(int[] ts) {
    return ts[0] * 4 * resolution / ts[1];
  }

  OscTrack track(int id) {
    for (OscTrack track : tracks) {
      if (track.id == id) {
        return track;
      }
    }
    return null;
  }

  int indexOf(OscTrack track) {
    return tracks.indexOf(track);
  }

  List<OscTrack> agents() {
    return tracks.stream().filter(track -> track.agent).toList();
  }

  /** Appends a track padded with empty bars to the piece's length. */
  void addTrack(OscTrack track) {
    for (int i = 0; i < timeSignatures.size(); i++) {
      track.bars.add(new ArrayList<>());
    }
    tracks.add(track);
  }

  /** Makes every track {@code bars} (absolute) long, with empty bars. */
  void extendTo(int bars) {
    while (barCount() < bars) {
      int[] ts = timeSignature(barCount());
      timeSignatures.add(ts);
      for (OscTrack track : tracks) {
        track.bars.add(new ArrayList<>());
      }
    }
  }

  /** The stored notes of {@code track} in absolute bar {@code bar}; empty outside the piece. */
  List<Note> notes(OscTrack track, int bar) {
    int index = bar - firstBar;
    return index >= 0 && index < track.bars.size() ? track.bars.get(index) : List.of();
  }

  /**
   * Buffers a note of a conditioning track until its bar ends; a note for a bar that has already
   * ended (a late message) goes into that bar at once.
   */
  void addNote(OscTrack track, OscTrack.PendingNote note, int bar) {
    checkWithinWindow(bar);
    if (notes(track, bar).size() + track.pendingCount(bar) >= limits.maxNotesPerBar()) {
      throw invalid("track " + track.id + " already has " + limits.maxNotesPerBar()
          + " notes in bar " + bar + " (the per-bar limit)");
    }
    if (bar < barsCompleted) {
      track.bars.get(bar - firstBar).add(toNote(note, timeSignature(bar)));
    } else {
      track.pending.computeIfAbsent(bar, key -> new ArrayList<>()).add(note);
    }
  }

  /**
   * {@code /bar/end}: records the bar's time signature (also for the bars after it, until they
   * end), turns the buffered notes of every bar up to it into notes, and moves the playhead.
   */
  void endBar(int bar, int numerator, int denominator) {
    checkWithinWindow(bar);
    extendTo(bar + 1);
    int[] ts = {numerator, denominator};
    for (int index = bar - firstBar; index < timeSignatures.size(); index++) {
      if (index == bar - firstBar || index + firstBar >= barsCompleted) {
        timeSignatures.set(index, ts);
      }
    }
    for (OscTrack track : tracks) {
      Iterator<Map.Entry<Integer, List<OscTrack.PendingNote>>> due =
          track.pending.headMap(bar, true).entrySet().iterator();
      while (due.hasNext()) {
        Map.Entry<Integer, List<OscTrack.PendingNote>> entry = due.next();
        int[] barTs = timeSignature(entry.getKey());
        List<Note> target = track.bars.get(entry.getKey() - firstBar);
        for (OscTrack.PendingNote note : entry.getValue()) {
          target.add(toNote(note, barTs));
        }
        due.remove();
      }
    }
    barsCompleted = Math.max(barsCompleted, bar + 1);
    forgetOldBars();
  }

  /** Replaces the notes of an agent's bar with generated ones. */
  void setBar(OscTrack track, int bar, List<Note> notes) {
    if (bar >= firstBar && bar < barCount()) {
      track.bars.set(bar - firstBar, new ArrayList<>(notes));
    }
  }

  /** Whether {@code track} has a note in a bar before {@code bar}. */
  boolean hasNotesBefore(OscTrack track, int bar) {
    for (int b = firstBar; b < Math.min(bar, barCount()); b++) {
      if (!notes(track, b).isEmpty()) {
        return true;
      }
    }
    return false;
  }

  /** A bar a client may still send to: kept in the history and not too far ahead. */
  private void checkWithinWindow(int bar) {
    if (bar < firstBar) {
      throw invalid("bar " + bar + " is older than the kept history (from bar " + firstBar + ")");
    }
    if (bar >= barsCompleted + limits.maxBarsAhead()) {
      throw invalid("bar " + bar + " is more than " + limits.maxBarsAhead()
          + " bars ahead of the playhead (bar " + barsCompleted + ")");
    }
  }

  private Note toNote(OscTrack.PendingNote note, int[] ts) {
    int length = barTicks(ts);
    int onset = (int) (note.onset() * length);
    int duration = Math.max(1, (int) (note.duration() * length));
    return Note.of(note.pitch(), note.velocity(), onset, duration);
  }

  private void forgetOldBars() {
    int excess = barsCompleted - firstBar - limits.maxHistoryBars();
    if (excess <= 0) {
      return;
    }
    timeSignatures.subList(0, excess).clear();
    for (OscTrack track : tracks) {
      track.bars.subList(0, excess).clear();
    }
    firstBar += excess;
  }

  private static OscProtocolException invalid(String problem) {
    return new OscProtocolException(OscError.INVALID_PARAM, problem);
  }
}
