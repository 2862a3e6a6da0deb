package io.midigpt.tokenizer;

import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.midigpt.score.Bar;
import io.midigpt.score.Note;
import io.midigpt.score.Score;
import io.midigpt.score.Track;
import org.junit.jupiter.api.Test;

/** Ownership of the native tokenizer: usable until closed, a clear error after. */
class TokenizerLifecycleTest {
  private static Score oneBar() {
    Bar bar = Bar.builder().addNote(Note.of(60, 100, 0, 480)).build();
    return Score.builder().addTrack(Track.builder().addBar(bar).addBar(Bar.builder().build())
        .addBar(Bar.builder().build()).addBar(Bar.builder().build()).build()).build();
  }

  @Test
  void aClosedTokenizerRefusesWorkWithAClearError() {
    Tokenizer tokenizer = Tokenizer.forEncoder("yellow");
    int[] tokens = tokenizer.encode(oneBar());
    assertTrue(tokens.length > 0);
    tokenizer.close();
    IllegalStateException error =
        assertThrows(IllegalStateException.class, () -> tokenizer.encode(oneBar()));
    assertTrue(error.getMessage().contains("closed"), error.getMessage());
    assertThrows(IllegalStateException.class, () -> tokenizer.decode(tokens));
    assertDoesNotThrow(tokenizer::close, "closing twice is harmless");
  }

  @Test
  void theConfigRoundTripsThroughItsJson() {
    try (Tokenizer yellow = Tokenizer.forEncoder("yellow");
        Tokenizer copy = Tokenizer.fromConfigJson(yellow.configJson())) {
      assertEquals(yellow.vocabulary(), copy.vocabulary());
      assertEquals(yellow.attributes(), copy.attributes());
      assertEquals(12, copy.resolution());
      assertEquals(1920, copy.decodeResolution());
    }
  }
}
