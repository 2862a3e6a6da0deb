package io.midigpt.training;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.midigpt.score.Bar;
import io.midigpt.score.Note;
import io.midigpt.score.Score;
import io.midigpt.score.Track;
import io.midigpt.tokenizer.TokenDomain;
import io.midigpt.tokenizer.Tokenizer;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class SampleBuilderTest {
  private static final List<Integer> WINDOWS = List.of(4, 8);

  @Test
  void sameSeedSameSampleOtherSeedOtherSample() {
    TrainConfig config = TrainingFixtures.tiny(Path.of("unused"), "\"max_seq_len\": 2048");
    SampleBuilder builder = new SampleBuilder(config, WINDOWS);
    Score tune = Score.read(TrainingFixtures.tunes("train", 1).get(0));
    try (Tokenizer tokenizer = Tokenizer.forEncoder("yellow")) {
      int[] a = builder.build(tune, tokenizer, new SplittableRandom(1));
      int[] b = builder.build(tune, tokenizer, new SplittableRandom(1));
      assertArrayEquals(a, b);
      boolean differs = false;
      for (long seed = 2; seed < 6 && !differs; seed++) {
        differs = !Arrays.equals(a, builder.build(tune, tokenizer, new SplittableRandom(seed)));
      }
      assertTrue(differs, "different seeds should give different samples");
    }
  }

  @Test
  void sequencesRespectMaxSeqLenAndInfillSamplesCarryFillBlocks() {
    TrainConfig config = TrainingFixtures.tiny(Path.of("unused"),
        "\"max_seq_len\": 160, \"infill_probability\": 1.0");
    SampleBuilder builder = new SampleBuilder(config, WINDOWS);
    try (Tokenizer tokenizer = Tokenizer.forEncoder("yellow")) {
      TokenDomain fill = tokenizer.vocabulary().domains().stream()
          .filter(d -> d.type().equals("FillInStart")).findFirst().orElseThrow();
      int withFill = 0;
      for (Path file : TrainingFixtures.tunes("train", 6)) {
        Score tune = Score.read(file);
        int[] tokens = builder.build(tune, tokenizer, new SplittableRandom(file.hashCode()));
        assertTrue(tokens.length <= 160, file + ": " + tokens.length + " tokens");
        if (Arrays.stream(tokens).anyMatch(fill::contains)) {
          withFill++;
        }
      }
      // Infill is always requested; only the fallback (too long at every size) lacks fill blocks.
      assertTrue(withFill >= 4, withFill + " of 6 samples had fill blocks");
    }
  }

  @Test
  void windowsOnlyTakeTracksFilledEnough() {
    TrainConfig config = TrainingFixtures.tiny(Path.of("unused"), "\"min_fill_ratio\": 0.75");
    SampleBuilder builder = new SampleBuilder(config, WINDOWS);
    // Track 0 plays every bar, track 1 only bar 0: with 4-bar windows only track 0 qualifies.
    Score score = new Score(480, 500_000, List.of(track(8, 8), track(8, 1)));
    assertNull(builder.selectWindow(score, 4, 2, new SplittableRandom(3)));
    Score window = builder.selectWindow(score, 4, 1, new SplittableRandom(3));
    assertNotNull(window);
    assertEquals(1, window.tracks().size());
    assertEquals(4, window.tracks().get(0).bars().size());
    assertTrue(window.tracks().get(0).bars().stream().noneMatch(b -> b.notes().isEmpty()));
  }

  @Test
  void augmentationTransposesMelodyNotDrumsAndKeepsVelocitiesAudible() {
    TrainConfig config = TrainingFixtures.tiny(Path.of("unused"),
        "\"transpose_range\": 6, \"velocity_spread\": 0.2");
    SampleBuilder builder = new SampleBuilder(config, WINDOWS);
    Track drums = Track.builder().instrument(0).type(io.midigpt.score.TrackType.DRUM)
        .bars(track(4, 4).bars()).build();
    Score score = new Score(480, 500_000, List.of(track(4, 4), drums));
    boolean shifted = false;
    for (long seed = 0; seed < 20; seed++) {
      Score out = builder.augment(score, new SplittableRandom(seed));
      Note melody = out.tracks().get(0).bars().get(0).notes().get(0);
      Note hit = out.tracks().get(1).bars().get(0).notes().get(0);
      assertTrue(Math.abs(melody.pitch() - 60) <= 6);
      assertEquals(60, hit.pitch());
      assertTrue(melody.velocity() >= 80 && melody.velocity() <= 120, "velocity " + melody.velocity());
      shifted |= melody.pitch() != 60;
    }
    assertTrue(shifted);
    assertFalse(score.tracks().get(0).bars().get(0).notes().get(0).pitch() != 60,
        "the input score is not modified");
  }

  /** A melodic track of {@code bars} 4/4 bars whose first {@code filled} bars hold a note. */
  private static Track track(int bars, int filled) {
    Track.Builder track = Track.builder().instrument(0).type(io.midigpt.score.TrackType.MELODIC);
    for (int b = 0; b < bars; b++) {
      Bar.Builder bar = Bar.builder().timeSignature(4, 4);
      if (b < filled) {
        bar.addNote(Note.of(60, 100, 0, 480));
      }
      track.addBar(bar.build());
    }
    return track.build();
  }
}
