package io.midigpt.training;

import io.midigpt.score.Bar;
import io.midigpt.score.Note;
import io.midigpt.score.Score;
import io.midigpt.score.Track;
import io.midigpt.tokenizer.EncodeOptions;
import io.midigpt.tokenizer.Tokenizer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.Random;
import java.util.SplittableRandom;

/**
 * Turns one parsed piece into one training sequence the way the reference's dataset does (spec
 * §10.3): augment (transpose melodic tracks, scale velocities, optionally swap instruments within
 * their family), choose a window of bars and a random subset of well-filled tracks, choose infill
 * targets or plain autoregressive order, and encode with attributes measured on the window.
 *
 * <p>All randomness comes from the generator passed in, so a sample is a pure function of the
 * piece and the seed: that is what makes data loading on several threads and {@code --resume}
 * reproducible.
 */
public final class SampleBuilder {
  private final TrainConfig config;
  private final List<Integer> windowSizes;

  /**
   * @param windowSizes the encoder's {@code num_bars_map}: the window lengths the NumBars token can
   *     express
   */
  public SampleBuilder(TrainConfig config, List<Integer> windowSizes) {
    this.config = config;
    List<Integer> sorted = new ArrayList<>(windowSizes);
    Collections.sort(sorted);
    this.windowSizes = List.copyOf(sorted);
  }

  /** The shortest window: pieces need at least this many bars on every track to be used. */
  public int minBars() {
    return windowSizes.get(0);
  }

  /**
   * Builds the sample, or throws when the piece cannot give one (too short, encoding error); the
   * caller then draws another piece, as the reference does.
   */
  public int[] build(Score score, Tokenizer tokenizer, SplittableRandom random) {
    Score augmented = augment(score, random);
    boolean infill = random.nextDouble() < config.infillProbability();
    int first = windowSizes.get(random.nextInt(windowSizes.size()));
    for (int bars = first; bars >= windowSizes.get(0); bars--) {
      if (!windowSizes.contains(bars)) {
        continue;
      }
      for (int tracks = config.maxTracks(); tracks >= config.minTracks(); tracks--) {
        Score window = selectWindow(augmented, bars, tracks, random);
        if (window == null) {
          continue;
        }
        int[] tokens = encode(window, bars, infill, tokenizer, random);
        if (tokens != null) {
          return tokens;
        }
      }
    }
    // The reference's fallback: the smallest window, fewest tracks, autoregressive.
    int bars = windowSizes.get(0);
    Score window = selectWindow(augmented, bars, config.minTracks(), random);
    if (window == null) {
      window = augmented.window(0, bars);
    }
    return crop(tokenizer.encode(window, EncodeOptions.builder().windowBars(bars).build()), random);
  }

  private int[] encode(
      Score window, int bars, boolean infill, Tokenizer tokenizer, SplittableRandom random) {
    EncodeOptions.Builder options = EncodeOptions.builder().windowBars(bars);
    if (infill) {
      for (EncodeOptions.BarRef target : infillTargets(window, bars, random)) {
        options.infill(target.track(), target.bar());
      }
    }
    int[] tokens;
    try {
      tokens = tokenizer.encode(window, options.build());
    } catch (RuntimeException e) {
      return null;
    }
    if (infill) {
      // An infill sequence cut short would lose its fill blocks: try a smaller configuration.
      return tokens.length <= config.maxSeqLen() ? tokens : null;
    }
    return crop(tokens, random);
  }

  /** Autoregressive sequences longer than max_seq_len become a random contiguous slice. */
  private int[] crop(int[] tokens, SplittableRandom random) {
    int max = config.maxSeqLen();
    if (tokens.length <= max) {
      return tokens;
    }
    int start = random.nextInt(tokens.length - max + 1);
    return Arrays.copyOfRange(tokens, start, start + max);
  }

  /**
   * Each (track, bar) cell is a target with probability p ~ U(0, infill_bar_fraction); at least
   * one cell always is.
   */
  private List<EncodeOptions.BarRef> infillTargets(Score window, int bars, SplittableRandom random) {
    double p = random.nextDouble() * config.infillBarFraction();
    int tracks = window.tracks().size();
    List<EncodeOptions.BarRef> targets = new ArrayList<>();
    for (int t = 0; t < tracks; t++) {
      for (int b = 0; b < bars; b++) {
        if (random.nextDouble() < p) {
          targets.add(new EncodeOptions.BarRef(t, b));
        }
      }
    }
    if (targets.isEmpty()) {
      targets.add(new EncodeOptions.BarRef(random.nextInt(tracks), random.nextInt(bars)));
    }
    return targets;
  }

  /**
   * A window of {@code bars} bars holding {@code tracks} tracks that each have notes in at least
   * min_fill_ratio of those bars, in random track order; null when no start offers that many.
   */
  Score selectWindow(Score score, int bars, int tracks, SplittableRandom random) {
    int shortest = score.tracks().stream().mapToInt(t -> t.bars().size()).min().orElse(0);
    if (shortest < bars || score.tracks().size() < tracks) {
      return null;
    }
    int needed = Math.max(1, (int) Math.ceil(config.minFillRatio() * bars));
    int starts = shortest - bars + 1;
    List<Integer> usable = new ArrayList<>();
    for (int s = 0; s < starts; s++) {
      if (goodTracks(score, s, bars, needed).size() >= tracks) {
        usable.add(s);
      }
    }
    if (usable.isEmpty()) {
      return null;
    }
    int start = usable.get(random.nextInt(usable.size()));
    List<Integer> good = goodTracks(score, start, bars, needed);
    Collections.shuffle(good, new Random(random.nextLong()));
    Score window = score.window(start, bars);
    List<Track> chosen = new ArrayList<>(tracks);
    for (int index : good.subList(0, tracks)) {
      chosen.add(window.tracks().get(index));
    }
    return new Score(score.resolution(), score.tempo(), chosen);
  }

  private static List<Integer> goodTracks(Score score, int start, int bars, int needed) {
    List<Integer> good = new ArrayList<>();
    for (int t = 0; t < score.tracks().size(); t++) {
      List<Bar> trackBars = score.tracks().get(t).bars();
      int filled = 0;
      for (int b = start; b < start + bars; b++) {
        if (!trackBars.get(b).notes().isEmpty()) {
          filled++;
        }
      }
      if (filled >= needed) {
        good.add(t);
      }
    }
    return good;
  }

  /**
   * One transposition for the whole piece (melodic tracks only, pitches clamped to 0..127) and one
   * velocity factor for every note, as the reference draws them; then the optional instrument
   * swap.
   */
  Score augment(Score score, SplittableRandom random) {
    int range = config.transposeRange();
    int shift = range == 0 ? 0 : random.nextInt(-range, range + 1);
    double spread = config.velocitySpread();
    double factor = 1 - spread + 2 * spread * random.nextDouble();
    List<Track> tracks = new ArrayList<>(score.tracks().size());
    for (Track track : score.tracks()) {
      int transpose = track.isDrum() ? 0 : shift;
      List<Bar> bars = new ArrayList<>(track.bars().size());
      for (Bar bar : track.bars()) {
        List<Note> notes = new ArrayList<>(bar.notes().size());
        for (Note n : bar.notes()) {
          int pitch = Math.max(0, Math.min(127, n.pitch() + transpose));
          int velocity = Math.max(1, Math.min(127, (int) (n.velocity() * factor)));
          notes.add(new Note(n.onset(), n.duration(), pitch, velocity, n.delta()));
        }
        bars.add(bar.toBuilder().notes(notes).build());
      }
      Track.Builder builder = track.toBuilder().bars(bars);
      if (!track.isDrum() && random.nextDouble() < config.instrumentSwapProbability()) {
        // General MIDI groups programs in families of eight (pianos, organs, guitars, ...).
        builder.instrument(track.instrument() / 8 * 8 + random.nextInt(8));
      }
      tracks.add(builder.build());
    }
    return new Score(score.resolution(), score.tempo(), tracks);
  }
}
