package io.midigpt.bridge;

import io.midigpt.score.Bar;
import io.midigpt.score.Note;
import io.midigpt.score.Score;
import io.midigpt.score.Track;
import io.midigpt.score.TrackType;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Score records <-> the flat int32 layout documented in native/include/midigpt/score_wire.hpp,
 * so a score crosses JNI in one bulk copy.
 */
public final class ScoreWire {
  private ScoreWire() {}

  public static int[] pack(Score score) {
    IntList out = new IntList(64 + score.noteCount() * 5);
    out.add(score.resolution());
    out.add(score.tempo());
    out.add(score.tracks().size());
    AttributeKeys keys = AttributeKeys.get();
    for (Track track : score.tracks()) {
      out.add(track.instrument());
      out.add(track.type() == TrackType.DRUM ? 1 : 0);
      packAttributes(track.attributes(), false, keys, out);
      out.add(track.bars().size());
      for (Bar bar : track.bars()) {
        long bits = Double.doubleToLongBits(bar.beatLength());
        out.add(bar.numerator());
        out.add(bar.denominator());
        out.add((int) (bits >>> 32));
        out.add((int) bits);
        out.add(bar.future() ? 1 : 0);
        packAttributes(bar.attributes(), true, keys, out);
        out.add(bar.notes().size());
        for (Note note : bar.notes()) {
          out.add(note.onset());
          out.add(note.duration());
          out.add(note.pitch());
          out.add(note.velocity());
          out.add(note.delta());
        }
      }
    }
    return out.toArray();
  }

  /** Unpacks words produced by the core (trusted to be well formed). */
  public static Score unpack(int[] words) {
    Reader in = new Reader(words);
    AttributeKeys keys = AttributeKeys.get();
    int resolution = in.next();
    int tempo = in.next();
    int trackCount = in.next();
    List<Track> tracks = new ArrayList<>(trackCount);
    for (int t = 0; t < trackCount; t++) {
      int instrument = in.next();
      TrackType type = in.next() == 1 ? TrackType.DRUM : TrackType.MELODIC;
      Map<String, Integer> trackAttributes = unpackAttributes(in, false, keys);
      int barCount = in.next();
      List<Bar> bars = new ArrayList<>(barCount);
      for (int b = 0; b < barCount; b++) {
        int numerator = in.next();
        int denominator = in.next();
        long high = in.next() & 0xffffffffL;
        long low = in.next() & 0xffffffffL;
        double beatLength = Double.longBitsToDouble((high << 32) | low);
        boolean future = in.next() != 0;
        Map<String, Integer> barAttributes = unpackAttributes(in, true, keys);
        int noteCount = in.next();
        List<Note> notes = new ArrayList<>(noteCount);
        for (int n = 0; n < noteCount; n++) {
          notes.add(new Note(in.next(), in.next(), in.next(), in.next(), in.next()));
        }
        bars.add(new Bar(numerator, denominator, beatLength, future, notes, barAttributes));
      }
      tracks.add(new Track(instrument, type, bars, trackAttributes));
    }
    return new Score(resolution, tempo, tracks);
  }

  private static void packAttributes(
      Map<String, Integer> attributes, boolean barLevel, AttributeKeys keys, IntList out) {
    out.add(attributes.size());
    for (Map.Entry<String, Integer> entry : attributes.entrySet()) {
      out.add(keys.tokenType(entry.getKey(), barLevel));
      out.add(entry.getValue());
    }
  }

  private static Map<String, Integer> unpackAttributes(
      Reader in, boolean barLevel, AttributeKeys keys) {
    int count = in.next();
    Map<String, Integer> attributes = new LinkedHashMap<>(count * 2);
    for (int i = 0; i < count; i++) {
      String name = keys.name(in.next(), barLevel);
      attributes.put(name, in.next());
    }
    return attributes;
  }

  private static final class Reader {
    private final int[] words;
    private int position;

    Reader(int[] words) {
      this.words = words;
    }

    int next() {
      return words[position++];
    }
  }

  private static final class IntList {
    private int[] values;
    private int size;

    IntList(int capacity) {
      values = new int[Math.max(16, capacity)];
    }

    void add(int value) {
      if (size == values.length) {
        values = Arrays.copyOf(values, values.length * 2);
      }
      values[size++] = value;
    }

    int[] toArray() {
      return Arrays.copyOf(values, size);
    }
  }
}
