package io.midigpt.tokenizer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.midigpt.score.Score;
import io.midigpt.testing.GoldenFixtures;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/** The evaluation masks: real encoded music only ever uses tokens the grammar allows. */
class GrammarMasksTest {
  @Test
  void everyNextTokenOfRealPiecesIsAllowed() throws IOException {
    List<Path> files;
    try (Stream<Path> midi = Files.list(GoldenFixtures.sharedDir().resolve("midi"))) {
      files = midi.filter(p -> p.toString().endsWith(".mid")).sorted().toList();
    }
    for (String encoder : Tokenizer.BUILTIN_ENCODERS) {
      try (Tokenizer tokenizer = Tokenizer.forEncoder(encoder)) {
        int words = (tokenizer.vocabulary().size() + 31) / 32;
        for (Path file : files) {
          Score score = Score.read(file).window(0, 4);
          if (score.barCount() < 4) {
            continue;
          }
          int[] tokens = tokenizer.encode(score, EncodeOptions.builder().windowBars(4).build());
          int[] masks = tokenizer.grammarMasks(tokens);
          assertEquals((tokens.length - 1) * words, masks.length);
          for (int i = 1; i < tokens.length; i++) {
            int word = masks[(i - 1) * words + tokens[i] / 32];
            int position = i;
            assertTrue((word >>> (tokens[i] % 32) & 1) == 1, () -> encoder + " " + file
                + ": token " + position + " (" + tokenizer.vocabulary().describe(tokens[position])
                + ") is not allowed after " + tokenizer.vocabulary().describe(tokens[position - 1]));
          }
        }
      }
    }
  }

  @Test
  void theMaskForbidsSomething() {
    try (Tokenizer tokenizer = Tokenizer.forEncoder("yellow")) {
      Score score = Score.read(GoldenFixtures.sharedDir().resolve("midi").resolve(
          firstMidi())).window(0, 4);
      int[] tokens = tokenizer.encode(score, EncodeOptions.builder().windowBars(4).build());
      int[] masks = tokenizer.grammarMasks(tokens);
      // After PieceStart the header comes next: most of the vocabulary is excluded.
      int allowed = 0;
      for (int w = 0; w < (tokenizer.vocabulary().size() + 31) / 32; w++) {
        allowed += Integer.bitCount(masks[w]);
      }
      assertTrue(allowed > 0);
      assertFalse(allowed > tokenizer.vocabulary().size() / 2, allowed + " tokens allowed");
    }
  }

  private static String firstMidi() {
    try (Stream<Path> midi = Files.list(GoldenFixtures.sharedDir().resolve("midi"))) {
      return midi.map(p -> p.getFileName().toString()).filter(n -> n.endsWith(".mid")).sorted()
          .findFirst().orElseThrow();
    } catch (IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }
}
