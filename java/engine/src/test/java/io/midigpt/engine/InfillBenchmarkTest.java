package io.midigpt.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.midigpt.InvalidCheckpointException;
import io.midigpt.engine.model.Checkpoint;
import io.midigpt.engine.model.Gpt2Config;
import io.midigpt.engine.model.ModelOptions;
import io.midigpt.score.Bar;
import io.midigpt.score.Score;
import io.midigpt.score.Track;
import io.midigpt.tokenizer.Tokenizer;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The bench's infill figure and the random-weight engines it times. */
class InfillBenchmarkTest {
  private static String yellow() {
    try (Tokenizer tokenizer = Tokenizer.forEncoder("yellow")) {
      return tokenizer.configJson();
    }
  }

  @Test
  void thePieceIsFourTracksOfEightFourFourBars() {
    Score piece = InfillBenchmark.piece();
    assertEquals(4, piece.tracks().size());
    assertTrue(piece.tracks().get(3).isDrum());
    for (Track track : piece.tracks()) {
      assertEquals(8, track.bars().size());
      for (Bar bar : track.bars()) {
        assertEquals("4/4", bar.numerator() + "/" + bar.denominator());
        assertTrue(!bar.notes().isEmpty());
      }
    }
  }

  @Test
  void measuresOneBarOfFourTracksWithARandomWeightModel() {
    Gpt2Config size = new Gpt2Config(647, 2048, 64, 2, 2);
    try (InferenceEngine engine =
        InferenceEngine.of(Checkpoint.random(size, yellow(), ModelOptions.defaults(), 1))) {
      InfillBenchmark.Result result = InfillBenchmark.measure("random 64/2/2", engine, 3);
      // Four bars of at most 8 notes, each note a few tokens, plus the fill markers.
      assertTrue(result.tokens() >= 4 * 3 && result.tokens() < 4 * 8 * 4 + 64, result.toString());
      assertTrue(result.wallMsBest() > 0 && result.wallMsBest() <= result.wallMsMedian());
      // One step per track (tracks_per_step 1), each with its own prefill, plus any retries.
      assertTrue(result.attempts() >= 4, result.toString());
      assertTrue(result.fastest().prefillNanos() > 0 && result.fastest().decodeNanos() > 0);
      assertTrue(result.fastest().totalNanos() <= result.wallMsBest() * 1e6);
      assertTrue(result.peakResidentBytes() > 0);
      String table = InfillBenchmark.table(List.of(result));
      assertTrue(table.lines().anyMatch(line -> line.startsWith("random 64/2/2 ")), table);
    }
  }

  @Test
  void anEngineRejectsAModelThatDoesNotFitItsEncoder() {
    Gpt2Config wrongVocabulary = new Gpt2Config(100, 64, 16, 1, 1);
    InvalidCheckpointException mismatch = assertThrows(InvalidCheckpointException.class,
        () -> InferenceEngine.of(
            Checkpoint.random(wrongVocabulary, yellow(), ModelOptions.defaults(), 1)));
    assertTrue(mismatch.getMessage().contains("vocab_size 100 does not match its encoder"
        + " config's 647 tokens"), mismatch.getMessage());
  }
}
