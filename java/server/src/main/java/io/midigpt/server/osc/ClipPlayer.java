package io.midigpt.server.osc;

import io.midigpt.score.Bar;
import io.midigpt.score.Note;
import io.midigpt.score.Score;
import io.midigpt.score.Track;

/**
 * Plays a score to the server as a DAW would: its tracks become conditioning tracks 0..n-1, and
 * each bar's notes are sent as {@code /midigpt/note} messages (onset and duration as fractions of
 * the bar), looping the clip. For the latency benchmark and the real-time tests.
 */
public final class ClipPlayer {
  private final Score clip;

  public ClipPlayer(Score clip) {
    if (clip.tracks().isEmpty() || clip.barCount() == 0) {
      throw new IllegalArgumentException("the clip has no bars");
    }
    this.clip = clip;
  }

  public int trackCount() {
    return clip.tracks().size();
  }

  /** {@code /track/create} for every clip track as a conditioning track (11: drums). */
  public void createTracks(OscClient client) {
    for (int i = 0; i < clip.tracks().size(); i++) {
      Track track = clip.tracks().get(i);
      client.send("/midigpt/track/create", i, track.instrument(), track.isDrum() ? 11 : 10, 0);
    }
  }

  /** The time signature of session bar {@code bar} (the clip loops). */
  public int[] timeSignature(int bar) {
    Bar first = clip.tracks().get(0).bars().get(bar % clip.barCount());
    return new int[] {first.numerator(), first.denominator()};
  }

  /** Sends the notes of session bar {@code bar}: clip bar {@code bar mod length}. */
  public void sendBar(OscClient client, int bar) {
    for (int i = 0; i < clip.tracks().size(); i++) {
      Bar source = clip.tracks().get(i).bars().get(bar % clip.barCount());
      double length = clip.resolution() * Bar.beatLengthOf(source.numerator(), source.denominator());
      for (Note note : source.notes()) {
        float onset = (float) Math.min(note.onset() / length, 0.9999);
        float duration = (float) Math.max(note.duration() / length, 0.0001);
        client.send("/midigpt/note", i, note.pitch(), note.velocity(), onset,
            duration, bar);
      }
    }
  }
}
