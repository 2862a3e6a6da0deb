package io.midigpt.score;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import io.midigpt.InvalidArgumentException;
import io.midigpt.InvalidMidiException;
import io.midigpt.InvalidScoreException;
import io.midigpt.bridge.MidigptNative;
import io.midigpt.bridge.NativeCalls;
import io.midigpt.bridge.ScoreWire;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import javax.sound.midi.InvalidMidiDataException;
import javax.sound.midi.MidiSystem;
import javax.sound.midi.Sequence;

/**
 * A multitrack piece: tracks of bars of notes, at {@code resolution} ticks per quarter note, with
 * one tempo. Immutable; every track has the same number of bars when read from MIDI.
 *
 * @param resolution ticks per quarter note
 * @param tempo microseconds per quarter note
 * @param tracks the tracks
 */
@JsonPropertyOrder({"resolution", "tempo", "tracks"})
public record Score(
    @JsonProperty("resolution") int resolution,
    @JsonProperty("tempo") int tempo,
    @JsonProperty("tracks") List<Track> tracks) {

  /** The resolution MIDI files are read at, as in the reference's production path. */
  public static final int DEFAULT_RESOLUTION = 480;

  public static final int DEFAULT_TEMPO = 500_000;

  public Score {
    if (resolution <= 0) {
      throw new InvalidScoreException("resolution " + resolution + " must be positive");
    }
    if (tempo <= 0) {
      throw new InvalidScoreException("tempo " + tempo + " must be positive");
    }
    tracks = List.copyOf(tracks);
  }

  /** Reads a MIDI file at {@value #DEFAULT_RESOLUTION} ticks per quarter note. */
  public static Score read(Path midiFile) {
    return fromMidi(readAllBytes(midiFile), DEFAULT_RESOLUTION);
  }

  /** Parses MIDI file bytes at {@value #DEFAULT_RESOLUTION} ticks per quarter note. */
  public static Score fromMidi(byte[] midi) {
    return fromMidi(midi, DEFAULT_RESOLUTION);
  }

  /**
   * Parses MIDI file bytes into bars at {@code resolution} ticks per quarter note.
   *
   * @throws InvalidMidiException when the bytes are not a readable MIDI file
   */
  public static Score fromMidi(byte[] midi, int resolution) {
    return ScoreWire.unpack(
        NativeCalls.ints(() -> MidigptNative.readMidi(midi, midi.length, resolution)));
  }

  /** This score as a format 1 MIDI file at {@link #resolution()} ticks per quarter note. */
  public byte[] toMidi() {
    int[] wire = ScoreWire.pack(this);
    return NativeCalls.bytes(() -> MidigptNative.writeMidi(wire, wire.length));
  }

  /** Writes this score as a MIDI file, replacing {@code file} if it exists. */
  public void write(Path file) {
    try {
      Files.write(file, toMidi());
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write " + file + ": " + e.getMessage(), e);
    }
  }

  /** Converts a Java Sound sequence (through its standard MIDI file form). */
  public static Score fromSequence(Sequence sequence) {
    int[] types = MidiSystem.getMidiFileTypes(sequence);
    int type = types.length == 0 ? -1 : types[types.length - 1];
    if (type < 0) {
      throw new InvalidMidiException("the sequence cannot be written as a standard MIDI file");
    }
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    try {
      MidiSystem.write(sequence, type, out);
    } catch (IOException e) {
      throw new InvalidMidiException("cannot serialise the sequence: " + e.getMessage(), e);
    }
    return fromMidi(out.toByteArray());
  }

  /** This score as a Java Sound sequence (PPQ timing at {@link #resolution()}). */
  public Sequence toSequence() {
    try {
      return MidiSystem.getSequence(new ByteArrayInputStream(toMidi()));
    } catch (InvalidMidiDataException | IOException e) {
      throw new InvalidMidiException("Java Sound rejected the written file: " + e.getMessage(), e);
    }
  }

  /** Parses the JSON shape of the HTTP API (resolution, tempo, tracks[].bars[].notes[]). */
  public static Score fromJson(String json) {
    return ScoreJson.read(json);
  }

  /** This score in the JSON shape of the HTTP API. */
  public String toJson() {
    return ScoreJson.write(this);
  }

  /** Bar count of the longest track. */
  public int barCount() {
    return tracks.stream().mapToInt(track -> track.bars().size()).max().orElse(0);
  }

  /** Number of notes over all tracks. */
  public int noteCount() {
    return tracks.stream().mapToInt(Track::noteCount).sum();
  }

  /**
   * Bars {@code start .. start+count-1} of every track (fewer where a track is shorter), with
   * the attributes dropped since they describe the whole piece.
   */
  public Score window(int start, int count) {
    if (start < 0 || count < 0) {
      throw new InvalidArgumentException("window start and count must be >= 0");
    }
    List<Track> windowed = new ArrayList<>(tracks.size());
    for (Track track : tracks) {
      int from = Math.min(start, track.bars().size());
      int to = (int) Math.min((long) start + count, track.bars().size());
      List<Bar> bars = new ArrayList<>(to - from);
      for (Bar bar : track.bars().subList(from, to)) {
        bars.add(bar.toBuilder().attributes(Map.of()).build());
      }
      windowed.add(track.toBuilder().bars(bars).attributes(Map.of()).build());
    }
    return new Score(resolution, tempo, windowed);
  }

  public static Builder builder() {
    return new Builder();
  }

  @JsonCreator
  static Score fromJson(
      @JsonProperty("resolution") Integer resolution,
      @JsonProperty("tempo") Integer tempo,
      @JsonProperty("tracks") List<Track> tracks) {
    return new Score(
        resolution == null ? DEFAULT_RESOLUTION : resolution,
        tempo == null ? DEFAULT_TEMPO : tempo,
        tracks == null ? List.of() : tracks);
  }

  private static byte[] readAllBytes(Path file) {
    try {
      return Files.readAllBytes(file);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read " + file + ": " + e.getMessage(), e);
    }
  }

  /** Builds a score at 480 ticks per quarter and 120 BPM unless told otherwise. */
  public static final class Builder {
    private int resolution = DEFAULT_RESOLUTION;
    private int tempo = DEFAULT_TEMPO;
    private final List<Track> tracks = new ArrayList<>();

    private Builder() {}

    public Builder resolution(int ticksPerQuarter) {
      this.resolution = ticksPerQuarter;
      return this;
    }

    public Builder tempo(int microsecondsPerQuarter) {
      this.tempo = microsecondsPerQuarter;
      return this;
    }

    public Builder addTrack(Track track) {
      tracks.add(track);
      return this;
    }

    public Builder tracks(List<Track> tracks) {
      this.tracks.clear();
      this.tracks.addAll(tracks);
      return this;
    }

    public Score build() {
      return new Score(resolution, tempo, tracks);
    }
  }
}
