package io.midigpt.engine;

import io.midigpt.generation.GenerationRequest;
import io.midigpt.generation.InferenceConfig;
import io.midigpt.generation.MaskMode;
import io.midigpt.generation.PieceControls;
import io.midigpt.generation.TrackPrompt;
import io.midigpt.score.Bar;
import io.midigpt.score.Note;
import io.midigpt.score.Score;
import io.midigpt.score.Track;
import io.midigpt.score.TrackType;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import org.bytedeco.javacpp.Pointer;

/**
 * Issue 3's interactive figure: the wall time to infill one 4/4 bar of four tracks (what a
 * musician waits for; one bar lasts 2 s at 120 BPM), the whole request from score to result.
 * The piece is a fixed 8-bar, 4-track 4/4 pattern (piano, bass, strings, drums); bar 4 of every
 * track is regenerated in attention mode, seeing four bars of context. Random-weight models
 * rarely end a bar by themselves, so every run caps the notes per bar at
 * {@value #NOTES_PER_BAR}: all models then write comparable amounts.
 */
public final class InfillBenchmark {
  public static final int NOTES_PER_BAR = 8;
  private static final int BARS = 8;
  private static final int TARGET_BAR = 4;

  private InfillBenchmark() {}

  /**
   * One model's figures.
   *
   * @param tokens tokens generated per run (rejected attempts included)
   * @param attempts model prefills per run (one per step attempt)
   * @param fastest where the time of the fastest run went
   * @param peakResidentBytes the largest resident set of the process seen while this model ran
   */
  public record Result(
      String model,
      int tokens,
      int attempts,
      double wallMsBest,
      double wallMsMedian,
      GenerationResult.Timings fastest,
      long peakResidentBytes) {}

  /** The benchmark piece: 8 bars of a plain 4/4 pattern in four tracks, at 480 ticks. */
  public static Score piece() {
    int quarter = Score.DEFAULT_RESOLUTION;
    int[][] chords = {{60, 64, 67}, {57, 60, 64}, {53, 57, 60}, {55, 59, 62}};
    List<Track> tracks = new ArrayList<>();
    Track.Builder piano = Track.builder().instrument(0).type(TrackType.MELODIC);
    Track.Builder bass = Track.builder().instrument(33).type(TrackType.MELODIC);
    Track.Builder strings = Track.builder().instrument(48).type(TrackType.MELODIC);
    Track.Builder drums = Track.builder().instrument(0).type(TrackType.DRUM);
    for (int b = 0; b < BARS; b++) {
      int[] chord = chords[b % chords.length];
      Bar.Builder pianoBar = Bar.builder().timeSignature(4, 4);
      Bar.Builder bassBar = Bar.builder().timeSignature(4, 4);
      Bar.Builder stringBar = Bar.builder().timeSignature(4, 4);
      Bar.Builder drumBar = Bar.builder().timeSignature(4, 4);
      for (int beat = 0; beat < 4; beat++) {
        for (int pitch : chord) {
          pianoBar.addNote(Note.of(pitch, 80, beat * quarter, quarter));
        }
        bassBar.addNote(Note.of(chord[0] - 24, 90, beat * quarter, quarter / 2));
        drumBar.addNote(Note.of(beat % 2 == 0 ? 36 : 38, 100, beat * quarter, quarter / 4));
        drumBar.addNote(Note.of(42, 70, beat * quarter + quarter / 2, quarter / 4));
      }
      for (int pitch : chord) {
        stringBar.addNote(Note.of(pitch + 12, 60, 0, 4 * quarter));
      }
      piano.addBar(pianoBar.build());
      bass.addBar(bassBar.build());
      strings.addBar(stringBar.build());
      drums.addBar(drumBar.build());
    }
    tracks.add(piano.build());
    tracks.add(bass.build());
    tracks.add(strings.build());
    tracks.add(drums.build());
    return new Score(Score.DEFAULT_RESOLUTION, Score.DEFAULT_TEMPO, tracks);
  }

  /** Regenerates bar 4 of all four tracks. */
  public static GenerationRequest request(long seed) {
    List<TrackPrompt> prompts = new ArrayList<>();
    for (int t = 0; t < 4; t++) {
      prompts.add(TrackPrompt.of(t, List.of(TARGET_BAR)));
    }
    InferenceConfig config = InferenceConfig.builder().maskMode(MaskMode.ATTENTION).seed(seed)
        .densityHardLimit(NOTES_PER_BAR).build();
    return new GenerationRequest(prompts, config, PieceControls.NONE);
  }

  /** One warm-up run, then {@code repeats} timed runs of the same request (same seed). */
  public static Result measure(String model, InferenceEngine engine, int repeats) {
    Score piece = piece();
    GenerationRequest request = request(1);
    long[] peak = {Pointer.physicalBytes()};
    ProgressListener sampler = progress -> {
      if (progress.totalTokens() % 16 == 0) {
        peak[0] = Math.max(peak[0], Pointer.physicalBytes());
      }
    };
    engine.generate(piece, request, sampler);
    double[] wall = new double[repeats];
    GenerationResult fastest = null;
    double fastestMs = Double.MAX_VALUE;
    for (int r = 0; r < repeats; r++) {
      long start = System.nanoTime();
      GenerationResult result = engine.generate(piece, request, sampler);
      wall[r] = (System.nanoTime() - start) / 1e6;
      peak[0] = Math.max(peak[0], Pointer.physicalBytes());
      if (wall[r] < fastestMs) {
        fastestMs = wall[r];
        fastest = result;
      }
    }
    Arrays.sort(wall);
    double median = repeats % 2 == 1 ? wall[repeats / 2]
        : (wall[repeats / 2 - 1] + wall[repeats / 2]) / 2;
    return new Result(model, fastest.tokensGenerated(), fastest.attempts(), wall[0], median,
        fastest.timings(), peak[0]);
  }

  /** A fixed-width table of results. */
  public static String table(List<Result> results) {
    StringBuilder out = new StringBuilder(String.format(Locale.ROOT,
        "%-36s %6s %8s %20s %34s %9s%n", "infill 1 bar x 4 tracks (4/4)", "tokens", "attempts",
        "wall ms best/median", "best: encode/prefill/decode/sample", "peak MiB"));
    for (Result r : results) {
      GenerationResult.Timings t = r.fastest();
      out.append(String.format(Locale.ROOT, "%-36s %6d %8d %9.0f %10.0f %10.0f %7.0f %7.0f %7.0f %9.0f%n",
          r.model(), r.tokens(), r.attempts(), r.wallMsBest(), r.wallMsMedian(),
          t.encodeNanos() / 1e6, t.prefillNanos() / 1e6, t.decodeNanos() / 1e6,
          t.sampleNanos() / 1e6, r.peakResidentBytes() / 1048576.0));
    }
    return out.toString();
  }
}
